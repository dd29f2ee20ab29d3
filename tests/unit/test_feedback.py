"""Feedback on answers (advisor/feedback.py, actions/feedback.py): tracker fixtures and a CollectingDispatcher."""

import pytest

from actions.faq import ActionAnswerQuestion
from actions.feedback import ActionDecline, ActionRecordFeedback
from actions.wiring import CONTENT
from advisor import feedback
from advisor.render import feedback_buttons, feedback_payload
from tests.unit import trackers


def pressed(answer_id, helpful, **options):
    entities = [{"entity": "answer_id", "value": answer_id}, {"entity": "helpful", "value": helpful}]
    return trackers.tracker(feedback_payload(answer_id, helpful), "feedback", entities=entities, **options)


def slots_set(events):
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def after_not_helpful(text, intent, answer_id="hsse.fee", **options):
    """A conversation where "Not helpful" on `answer_id` was pressed and asked what was missing, then `text`."""
    _, events = trackers.run(ActionRecordFeedback(), pressed(answer_id, False))
    earlier = [trackers.user_event(feedback_payload(answer_id, False), "feedback"), *events]
    return trackers.tracker(text, intent, earlier=earlier, **options)


def test_the_buttons_name_the_answer_and_say_helpful_or_not_in_words():
    buttons = feedback_buttons("hsse.what_is", CONTENT)
    assert [button["title"] for button in buttons] == ["Helpful", "Not helpful"]
    assert buttons[0]["payload"] == '/feedback{"answer_id": "hsse.what_is", "helpful": true}'
    assert buttons[1]["payload"] == '/feedback{"answer_id": "hsse.what_is", "helpful": false}'


@pytest.mark.parametrize("answer_id", ["hsse.fee", "ask_hsse", feedback.ROUTE_ADVICE_ID])
def test_helpful_is_kept_as_slot_events_with_its_answer_id_and_thanked_for(answer_id):
    messages, events = trackers.run(ActionRecordFeedback(), pressed(answer_id, True))
    assert slots_set(events) == {feedback.ANSWER_SLOT: answer_id, feedback.HELPFUL_SLOT: True}
    assert [message["text"] for message in messages] == [CONTENT.interface["feedback_thanks"]]


def test_not_helpful_is_kept_and_asks_once_what_was_missing():
    messages, events = trackers.run(ActionRecordFeedback(), pressed("hsse.fee", False))
    assert slots_set(events) == {
        feedback.ANSWER_SLOT: "hsse.fee", feedback.HELPFUL_SLOT: False, feedback.COMMENT_FOR_SLOT: "hsse.fee"
    }  # fmt: skip
    assert [message["text"] for message in messages] == [CONTENT.interface["feedback_ask_missing"]]


def test_not_helpful_in_the_route_check_only_thanks_so_the_check_asks_its_question():
    messages, events = trackers.run(ActionRecordFeedback(), pressed("hsse.fee", False, active_loop="route_advice_form"))
    assert slots_set(events) == {feedback.ANSWER_SLOT: "hsse.fee", feedback.HELPFUL_SLOT: False}
    assert [message["text"] for message in messages] == [CONTENT.interface["feedback_thanks"]]


def test_an_answer_id_content_no_longer_has_is_said_so_and_nothing_is_kept():
    messages, events = trackers.run(ActionRecordFeedback(), pressed("hsse.retired_answer", True))
    assert events == []
    assert messages[0]["text"] == CONTENT.interface["feedback_unknown"]


def test_entities_of_the_wrong_type_are_said_so_and_nothing_is_kept():
    entities = [{"entity": "answer_id", "value": ["x"]}, {"entity": "helpful", "value": "yes"}]
    conversation = trackers.tracker("/feedback", "feedback", entities=entities)
    messages, events = trackers.run(ActionRecordFeedback(), conversation)
    assert events == [] and messages[0]["text"] == CONTENT.interface["feedback_unknown"]


def test_typed_feedback_names_no_answer_so_it_points_to_the_buttons():
    messages, events = trackers.run(ActionRecordFeedback(), trackers.tracker("that answer wasn't helpful", "feedback"))
    assert events == [] and messages[0]["text"] == CONTENT.interface["feedback_typed"]


def test_the_message_after_what_was_missing_that_nothing_answers_is_the_comment():
    nothing_near = {"answer_ranking": [{"id": "hsse.fee", "confidence": 0.01}]}
    conversation = after_not_helpful("it said nothing about the deadline", "nlu_fallback", parse_data=nothing_near)
    messages, events = trackers.run(ActionAnswerQuestion(), conversation)
    assert slots_set(events) == {
        feedback.COMMENT_SLOT: {"answer_id": "hsse.fee", "text": "it said nothing about the deadline"}
    }
    assert messages[0]["text"] == CONTENT.interface["feedback_comment_thanks"]


def test_an_out_of_scope_comment_is_kept_and_otherwise_out_of_scope_is_declined():
    messages, events = trackers.run(ActionDecline(), after_not_helpful("too vague for me", "out_of_scope"))
    assert slots_set(events)[feedback.COMMENT_SLOT]["text"] == "too vague for me"
    messages, events = trackers.run(ActionDecline(), trackers.tracker("what's the weather", "out_of_scope"))
    assert events == [] and messages[0]["text"] == CONTENT.interface["out_of_scope_reply"]


def test_typed_feedback_after_what_was_missing_is_the_comment():
    _, events = trackers.run(ActionRecordFeedback(), after_not_helpful("that answer was too vague", "feedback"))
    assert slots_set(events)[feedback.COMMENT_SLOT] == {"answer_id": "hsse.fee", "text": "that answer was too vague"}


def test_a_question_after_what_was_missing_is_answered_never_trapped():
    ranking = {"answer_ranking": [{"id": "hsse.fee", "confidence": 0.9}, {"id": "hssr.fee", "confidence": 0.05}]}
    conversation = after_not_helpful("how much is it", "ask_hsse", parse_data=ranking)
    messages, events = trackers.run(ActionAnswerQuestion(), conversation)
    assert messages[0]["text"].startswith(CONTENT.questions["hsse.fee"].answer)
    assert feedback.COMMENT_SLOT not in slots_set(events)


def test_a_question_that_nothing_answers_is_not_taken_as_a_comment():
    conversation = after_not_helpful("what about the weather?", "out_of_scope")
    messages, events = trackers.run(ActionDecline(), conversation)
    assert events == [] and messages[0]["text"] == CONTENT.interface["out_of_scope_reply"]


def test_only_the_message_right_after_the_question_can_be_the_comment():
    first = after_not_helpful("how much is it?", "ask_hsse")
    earlier = [*first.events]
    later = trackers.tracker("nonsense words here", "out_of_scope", earlier=earlier)
    messages, events = trackers.run(ActionDecline(), later)
    assert events == [] and messages[0]["text"] == CONTENT.interface["out_of_scope_reply"]


def test_a_comment_is_kept_as_one_line_and_cut_to_its_limit():
    value = feedback.comment_value("a", "  many\nlines  " + "x" * 900)
    assert value["text"].startswith("many lines x") and len(value["text"]) == feedback.MAX_COMMENT_CHARS
