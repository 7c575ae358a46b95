"""The actions the domain names and the actions the action server registers are the same set:
a name only in the domain fails at run time ("no registered action found"), a class only in
actions/ is dead code or a forgotten domain entry."""
from __future__ import annotations

import inspect

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions.actions
import actions.directory_actions


def custom_actions_in_domain(rasa_domain):
    # Rasa's own list of user actions, less the responses (utter_*), which Rasa runs itself.
    return {name for name in rasa_domain.user_actions if not name.startswith("utter_")}


def registered_by_action_server():
    executor = ActionExecutor()
    executor.register_package("actions")  # what `rasa run actions --actions actions` does
    return set(executor.actions)


def action_classes():
    found = {}
    for module in (actions.actions, actions.directory_actions):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__:
                found[cls().name()] = cls
    return found


def test_every_action_the_domain_names_is_registered_and_vice_versa(rasa_domain):
    assert custom_actions_in_domain(rasa_domain) == registered_by_action_server()


def test_the_action_classes_are_the_registered_actions():
    assert set(action_classes()) == registered_by_action_server()


def test_the_list_this_suite_covers_is_the_whole_list(rasa_domain):
    covered = {"action_session_start", "action_choose_language", "action_give_information", "action_handoff",
               "action_handoff_for_need", "action_safeguarding_handoff", "action_missed", "action_answer_yes_no",
               "action_find_service"}
    assert custom_actions_in_domain(rasa_domain) == covered, "a new action: add its tests in tests/actions/"


def test_no_two_classes_claim_one_name():
    names = [cls().name() for module in (actions.actions, actions.directory_actions)
             for _, cls in inspect.getmembers(module, inspect.isclass)
             if issubclass(cls, Action) and cls.__module__ == module.__name__]
    assert len(names) == len(set(names))
