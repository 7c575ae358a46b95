"""IAA front door: the foundation (settings, council profile, database and every table, texts,
validation, limits, errors, logging scrub). It imports nothing of ours: the features and the
assembly (`frontdoor`) import it."""
__version__ = "0.1.0"
