"""Loaders: one module per source format, each a streaming function from records to quads.

Every loader takes a ``report`` callback for the problems it finds (file, line or key, field,
why) and never stops at the first bad record nor drops one silently.
"""
