"""Test only: the real actions, with `action_give_information` made to fail, for the log tests.
The action server loads this module instead of `actions` (FrontDoorProcesses.actions_package),
so the actions' own logic is untouched. The failure is the worst case for the logs: the
exception's message carries what the citizen wrote, and Rasa sends the whole tracker."""
from actions.actions import ActionGiveInformation  # noqa: F401  (also registers every real action)


class FailingGiveInformation(ActionGiveInformation):
    """Registered after its parent under the same name, so rasa_sdk runs this one."""

    async def run(self, dispatcher, tracker, domain):
        said = (tracker.latest_message or {}).get("text")
        raise ValueError(f"test fault: could not answer {said!r}")
