"""The action server's check on incoming calls, in-process: what it refuses with a 400, before rasa-sdk reads it.

tests/e2e/test_lockdown.py sends the same bodies over HTTP to the running server.
"""

import pytest

from actions.server import action_call_problem


def action_call(**tracker_fields) -> dict:
    tracker = {"sender_id": "someone", "slots": {}, "latest_message": {"intent": {"name": "ask_hsse"}}, "events": [],
               **tracker_fields}  # fmt: skip
    return {"next_action": "action_answer_question", "tracker": tracker, "domain": {}}


def test_a_well_formed_call_passes():
    assert action_call_problem(action_call()) is None


@pytest.mark.parametrize(
    "call, problem",
    [
        ([1, 2], "JSON object"),
        ("action_answer_question", "JSON object"),
        (None, "JSON object"),
        ({**action_call(), "next_action": None}, "next_action"),
        ({**action_call(), "next_action": ""}, "next_action"),
        ({"next_action": "action_answer_question"}, "'tracker' must be an object"),
        ({**action_call(), "tracker": []}, "'tracker' must be an object"),
        ({**action_call(), "tracker": {"slots": {}}}, "sender_id' is required"),
        (action_call(sender_id=5), "tracker.sender_id"),
        (action_call(slots=[1]), "tracker.slots"),
        (action_call(events=["x"]), "tracker.events"),
        (action_call(latest_message={"intent": "ask_hsse"}), "latest_message.intent"),
        ({**action_call(), "domain": []}, "'domain'"),
    ],
)
def test_malformed_calls_are_named(call, problem):
    assert problem in action_call_problem(call)
