"""Feedback on answers end to end over REST: the press lands in the tracker store as events with its
answer id, "Not helpful" asks what was missing, and the conversation carries on either way."""

from actions.wiring import CONTENT
from advisor import feedback
from advisor.message_checks import COMMAND_REPLY
from advisor.render import feedback_payload
from rasa_server.tracker_store import SQLTrackerStore
from tests.e2e.servers import conversation, texts, topic_openings
from tools import report


def slot_events(assistant, sender: str, name: str) -> list:
    return [event["value"] for event in assistant.tracker_events(sender) if event.get("name") == name]


def feedback_payloads(replies: list) -> list[str]:
    return [b["payload"] for reply in replies for b in reply.get("buttons", []) if b["payload"].startswith("/feedback")]


def test_helpful_on_a_topic_page_lands_with_its_answer_id_and_the_conversation_goes_on(assistant):
    sender = conversation()
    page = assistant.ask(sender, "/ask_hsse")
    assert feedback_payloads(page) == [feedback_payload("ask_hsse", True), feedback_payload("ask_hsse", False)]
    thanks = texts(assistant.ask(sender, feedback_payload("ask_hsse", True)))
    assert thanks == CONTENT.interface["feedback_thanks"]
    assert slot_events(assistant, sender, feedback.ANSWER_SLOT) == ["ask_hsse"]
    assert slot_events(assistant, sender, feedback.HELPFUL_SLOT) == [True]
    assert texts(assistant.ask(sender, "Can I do HSST part time?")).startswith(topic_openings("ask_part_time"))


def test_not_helpful_asks_what_was_missing_and_keeps_the_comment_with_the_answer_id(assistant):
    sender = conversation()
    reply = assistant.ask(sender, "Can I do HSST part time?")
    answer_id = feedback_payloads(reply)[-1].split('"answer_id": "')[1].split('"')[0]
    assert texts(assistant.ask(sender, feedback_payload(answer_id, False))) == CONTENT.interface["feedback_ask_missing"]
    noted = texts(assistant.ask(sender, "zxqv blorf wibble"))
    assert noted == CONTENT.interface["feedback_comment_thanks"]
    assert slot_events(assistant, sender, feedback.HELPFUL_SLOT) == [False]
    assert slot_events(assistant, sender, feedback.COMMENT_SLOT) == [
        {"answer_id": answer_id, "text": "zxqv blorf wibble"}
    ]
    # Only the one message after the question: the next nonsense gets the usual reply.
    assert texts(assistant.ask(sender, "zxqv blorf wibble")) != CONTENT.interface["feedback_comment_thanks"]


def test_a_question_after_not_helpful_is_answered_not_kept_as_a_comment(assistant):
    sender = conversation()
    assistant.ask(sender, "/ask_hsse")
    assistant.ask(sender, feedback_payload("ask_hsse", False))
    assert texts(assistant.ask(sender, "Can I do HSST part time?")).startswith(topic_openings("ask_part_time"))
    assert slot_events(assistant, sender, feedback.COMMENT_SLOT) == []


def test_feedback_on_the_route_advice_and_during_the_check(assistant):
    sender = conversation()
    assistant.ask(sender, "which route suits me?")
    # An answer's feedback during the check is kept and the check asks its question again.
    reply = texts(assistant.ask(sender, feedback_payload("ask_hsse", False)))
    assert reply.startswith(CONTENT.interface["feedback_thanks"]) and "registered" in reply
    assert slot_events(assistant, sender, feedback.ANSWER_SLOT) == ["ask_hsse"]


def test_an_unknown_answer_id_or_wrong_types_get_a_clear_reply_and_nothing_is_kept(assistant):
    sender = conversation()
    assert texts(assistant.ask(sender, feedback_payload("hsse.retired", True))) == CONTENT.interface["feedback_unknown"]
    assert texts(assistant.ask(sender, '/feedback{"answer_id": "ask_hsse", "helpful": "yes"}')) == COMMAND_REPLY
    assert slot_events(assistant, sender, feedback.ANSWER_SLOT) == []
    assert texts(assistant.ask(sender, "What is HSSE?")).startswith(topic_openings("ask_hsse"))


def test_make_report_counts_what_rasa_stored(assistant):
    # The report's other tests use generated events (tools/report_bench.py); these are the real ones.
    sender = conversation()
    assistant.ask(sender, "/ask_hsse")
    assistant.ask(sender, feedback_payload("ask_hsse", False))
    assistant.ask(sender, "zxqv blorf wibble")  # the comment
    assistant.ask(sender, "zxqv blorf wibble")  # answered by nothing: the topic list or a decline
    assistant.ask(sender, "which route suits me?")
    assistant.ask(sender, '/inform{"registration": "clinical_scientist"}')
    assistant.ask(sender, "stop")
    store = SQLTrackerStore(host=assistant.env["TRACKER_STORE_URL"])
    rows = [(kind, action, data) for who, kind, action, data in report.stored_rows(store, 0) if who == sender]
    tally = report.Tally()
    report.tally_conversation(rows, tally, report.unanswered_kinds(CONTENT))
    assert (tally.uses["ask_hsse"], tally.helpful["ask_hsse"], tally.not_helpful["ask_hsse"]) == (1, 0, 1)
    assert tally.comments == {"ask_hsse": {"zxqv blorf wibble": 1}}
    assert [sum(kinds.values()) for kinds in tally.unanswered.values()] == [1]
    assert (tally.started, tally.reached_advice) == (1, 0)
    assert tally.answered["registration"] == 1 and sum(tally.stopped_at.values()) == 1
