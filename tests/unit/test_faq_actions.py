"""The FAQ actions, driven with tracker fixtures (tests/unit/trackers.py) and a CollectingDispatcher."""

import pytest

from actions.faq import ActionAnswerQuestion, ActionListTopics
from actions.wiring import CONTENT
from tests.unit import trackers


def run(action, intent, text="a question"):
    return trackers.run(action, trackers.tracker(text, intent))


@pytest.mark.parametrize("intent", sorted(CONTENT.answers))
def test_each_question_gets_its_answer_first_then_its_sources_and_review_date(intent):
    messages, events = run(ActionAnswerQuestion(), intent)
    assert events == []
    assert len(messages) == 1
    text = messages[0]["text"]
    answer = CONTENT.answers[intent]
    assert text.startswith(answer.text)
    assert all(source.url in text for source in answer.sources)
    assert "\n\nLast reviewed: " in text
    offered = [button["payload"] for button in messages[0]["buttons"]] == ["/ask_route_advice"]
    assert offered == answer.offers_route_check


def test_part_c_answer_says_what_the_phd_exemption_covers():
    messages, _ = run(ActionAnswerQuestion(), "ask_part_c_exemption", "Can I skip Part C if I have a PhD?")
    text = messages[0]["text"]
    assert "10 years" in text
    assert "lay presentation" in text
    assert "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/" in text
    assert "not current NSHCS policy" in text


def test_an_intent_without_an_answer_lists_topics_instead_of_guessing():
    messages, events = run(ActionAnswerQuestion(), "greet")
    assert messages[0]["text"] == CONTENT.interface["fallback_intro"]
    assert len(messages[0]["buttons"]) == len(CONTENT.answers)
    assert events == []


def test_topics_on_request_are_buttons_for_every_answer():
    messages, events = run(ActionListTopics(), "ask_capabilities", "what can you do")
    assert messages[0]["text"] == CONTENT.interface["topics_intro"]
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == [f"/{intent}" for intent in CONTENT.answers]
    assert events == []


def test_low_nlu_confidence_lists_topics_without_undoing_the_message():
    messages, events = run(ActionListTopics(), "nlu_fallback", "qwerty asdf")
    assert messages[0]["text"] == CONTENT.interface["fallback_intro"]
    assert events == []


def test_as_dialogue_fallback_it_takes_the_confusing_message_back():
    messages, events = run(ActionListTopics(), "ask_hsse")
    assert messages[0]["text"] == CONTENT.interface["lost_track_intro"]
    assert events == [{"event": "rewind", "timestamp": None}]
