"""clearbuild core: the export schema, ingest into one Dataset, and helpers every plugin shares.

Plugins under plugins/ import this package, never each other.
"""

__version__ = "0.1.0"
