"""IAA front door: the app package (settings, database, CLI, FastAPI assembly)."""
__version__ = "0.1.0"
