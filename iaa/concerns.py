"""The safeguarding concern codes: what the detector flags (safeguarding/lexicon.py re-exports them)
and what a council profile's helplines may list (iaa/profile.py checks them). Kept in the foundation
so that the profile can check them without importing the safeguarding package above it."""
from __future__ import annotations

from typing import Tuple

CONCERNS: Tuple[str, ...] = (
    "immediate_danger",
    "suicide_self_harm",
    "child_homeless",
    "child_abuse_neglect",
    "domestic_abuse",
    "sexual_exploitation",
    "criminal_exploitation",
    "modern_slavery",
    "forced_marriage",
    "adult_abuse_neglect",
)
