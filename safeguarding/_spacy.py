"""Import spaCy without dragging in TensorFlow.

spaCy's thinc probes for TensorFlow, PyTorch, MXNet and CuPy at import time. In this project's
virtualenv TensorFlow is installed (for Rasa), and merely probing it costs several seconds and
hundreds of megabytes, in every process that screens messages (the front door, the action server,
tests). The detector needs none of them: it uses a blank vocabulary, Doc and the rule Matcher.
So, if spaCy is not imported yet and those libraries are not imported either, they are hidden
for the duration of spaCy's import only. A process that imports TensorFlow itself (Rasa) is not
affected: the shield is lifted before this function returns, and if TensorFlow was already
imported nothing is hidden. The only lasting effect is that thinc's own TensorFlow/PyTorch
wrappers report those libraries as absent, which no part of this project uses. Set
IAA_SAFEGUARDING_SPACY_SHIELD=false (Settings.safeguarding_spacy_shield) to import spaCy plainly.
"""
from __future__ import annotations

import sys

from iaa.settings import setting

_HIDDEN = ("tensorflow", "torch", "mxnet", "cupy", "cupyx")


def _import_spacy():
    if "spacy" in sys.modules or not setting("safeguarding_spacy_shield"):
        import spacy  # noqa: F401
        return
    hidden = [name for name in _HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # makes `import name` fail fast
    try:
        import spacy  # noqa: F401
        import spacy.matcher  # noqa: F401
        import spacy.tokens  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


_import_spacy()

import spacy  # noqa: E402
from spacy.matcher import Matcher, PhraseMatcher  # noqa: E402
from spacy.tokens import Doc  # noqa: E402


def new_vocab():
    """A vocabulary from spaCy's blank multi-language pipeline (no model, no download)."""
    return spacy.blank("xx").vocab


__all__ = ["Doc", "Matcher", "PhraseMatcher", "new_vocab"]
