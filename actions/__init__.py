"""Custom actions run by the Rasa action server (rasa-sdk).

rasa_sdk imports this package before it runs any action, so the action server's log scrubbing
is installed here (iaa/logs.py): without it an action that raises has its exception, whose
message may quote the citizen, logged whole. Only in the action server's own process
(`python -m rasa_sdk` or `rasa run actions`), not in tests that import the actions."""
import sys as _sys
from pathlib import Path as _Path


def _in_action_server() -> bool:
    program = _Path(_sys.argv[0]) if _sys.argv and _sys.argv[0] else _Path()
    return program.parent.name == "rasa_sdk" or (program.name == "rasa" and _sys.argv[1:3] == ["run", "actions"])


if _in_action_server():
    from iaa.logs import install as _install_log_scrubbing

    _install_log_scrubbing()
