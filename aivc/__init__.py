"""aivc: an open knowledge graph of the AI value chain."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """``aivc.query`` is loaded on first use, so importing aivc (and starting the CLI) stays quick."""
    if name == "query":
        from .api import query
        return query
    raise AttributeError(f"module 'aivc' has no attribute '{name}'")
