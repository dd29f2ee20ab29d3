"""The cached action-response check accepts and refuses exactly what Rasa's own check does, and the
event-class table finds the classes Rasa's walk finds."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.utils.common import all_subclasses

from rasa_server import patches as action_response_check

GOOD = [
    {"events": [], "responses": [{"text": "hi"}]},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []},
    {},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": "text"},
]


@pytest.fixture(scope="module")
def action():
    action_response_check.install()
    return RemoteAction("action_answer_question", None)


@pytest.mark.parametrize("result", GOOD)
def test_valid_responses_pass(action, result):
    assert action._validate_action_result(result) is True
    assert action._rasa_validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_raise_rasa_s_explained_error(action, result):
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(result)
    assert "Failed to validate Action server response" in ours.value.message
    with pytest.raises(ValidationError):
        action._rasa_validate_action_result(result)


def test_install_is_idempotent():
    action_response_check.install()
    action_response_check.install()
    assert RemoteAction._rasa_validate_action_result is not RemoteAction._validate_action_result


def test_event_classes_come_from_the_table_exactly_as_rasa_finds_them():
    action_response_check.install()
    names = {event_class.type_name for event_class in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is Event._rasa_resolve_by_type(name)
    # Names Rasa answers without a class of its own: the old "topic" event, a default, an unknown name.
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_an_event_class_defined_after_the_table_was_built_is_found():
    action_response_check.install()
    Event.resolve_by_type("slot")  # the table is built

    class LateEvent(Event):
        type_name = "late_event_for_this_test"

        def as_story_string(self) -> None:
            return None

        def __eq__(self, other) -> bool:
            return isinstance(other, LateEvent)

        __hash__ = Event.__hash__

    assert Event.resolve_by_type("late_event_for_this_test") is LateEvent
