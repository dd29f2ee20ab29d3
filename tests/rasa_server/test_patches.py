"""The cached action-response check accepts and refuses exactly what Rasa's own check does."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

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
