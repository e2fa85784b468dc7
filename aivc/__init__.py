"""aivc: an open knowledge graph of the AI value chain."""

__version__ = "0.1.0"
