"""Read, check and compile the safeguarding lexicon (data/safeguarding/lexicon.yml).

The lexicon is data that council safeguarding leads edit. This module turns it into:

* per language ("lane"), a table from every word form a person may type to the lexicon word it
  stands for: inflections (hits, hitting -> hit), Welsh mutations (nharo, daro -> taro),
  text-speak (u -> you, dwi -> dw i), irregular forms, plus a spelling-tolerant fallback;
* per cue and idiom pattern, its "chains": the literal phrases between `...` gaps, with the gap
  limits, which the fast engine runs through one spaCy PhraseMatcher per language; and the same
  pattern as spaCy Matcher token patterns (`matcher_specs`), the reference engine.

`compile_lexicon` collects every problem it finds (with file and line) before giving up, so the
`safeguarding check` command can list them all at once.

This module is the lexicon's one public face; the work is done along its seams:
  loading.py     the YAML with line numbers, the list of problems
  patterns.py    the pattern language: parsing, chains for the fast engine, spaCy Matcher specs
  lanes.py       the compiled structures (Lane, CueInfo, CompiledLexicon) and the word tables
  lane_build.py  one language's Lane from the lexicon's sections
  compiling.py   checking every section, reading the cues, compile_lexicon
"""

from __future__ import annotations

from iaa.concerns import CONCERNS  # noqa: F401  (the concern codes, shared with the council profile)

from .compiling import DEFAULT_PATH, THEMES, compile_lexicon  # noqa: F401
from .lanes import (CLITIC_IS_AFTER, CLITICS, CY_NEGATIVE_M_AFTER, CY_NOT_MUTATIONS, LANGS, LEET,  # noqa: F401
                    PLACEHOLDER, SPLIT_HEADS_EN, SPLIT_TAILS_EN, CompiledLexicon, CueInfo, Lane)
from .loading import (CONCERN_KEYS, CUE_KEYS, CUE_TIERS, SETTING_KEYS, TOP_KEYS, LexiconError,  # noqa: F401
                      load_yaml)
from .patterns import (SPLIT_ABOVE, Chain, PatternError, compile_chains, matcher_specs,  # noqa: F401
                       parse_pattern, pattern_words)
