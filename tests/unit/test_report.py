"""`make report`'s counting (tools/report.py) on single conversations built as Rasa stores them
(tools/report_bench.py), and its grouping with a stand-in encoder. The store and the real encoder:
tests/e2e/test_report.py."""

import datetime as dt
import json
from collections import Counter

import numpy as np

from actions.wiring import CONTENT
from tools import report
from tools.report_bench import Conversation, rows


def tally(conversation: Conversation) -> report.Tally:
    counted = report.Tally()
    events = [(row["type_name"], row["action_name"], row["data"]) for row in rows(conversation)]
    report.tally_conversation(events, counted, report.unanswered_kinds(CONTENT))
    return counted


def test_a_question_during_the_check_does_not_end_it():
    conversation = Conversation("c", 0)
    conversation.route_check(CONTENT, [("registration", "clinical_scientist")], reached=False, stop_at="goal")
    # Moved before the stop: an FAQ answer in the middle of the check.
    stop = next(i for i, event in enumerate(conversation.events) if event.get("text") == "stop")
    conversation.events[stop:stop] = [
        {"event": "user", "text": "what is hsse?", "timestamp": 0.5, "parse_data": {}},
        {"event": "action", "name": "action_answer_question", "timestamp": 0.5},
        {"event": "action", "name": "route_advice_form", "timestamp": 0.5},
    ]
    counted = tally(conversation)
    assert (counted.started, counted.reached_advice, counted.stopped_at) == (1, 0, {"goal": 1})


def test_each_start_of_the_check_is_counted_and_only_reached_advice_is_reached():
    conversation = Conversation("c", 0)
    conversation.route_check(CONTENT, [("registration", "clinical_scientist")], reached=True)
    conversation.route_check(CONTENT, [], reached=False, stop_at="registration")
    counted = tally(conversation)
    assert (counted.started, counted.reached_advice) == (2, 1)
    assert counted.asked == Counter({"registration": 2}) and counted.answered == Counter({"registration": 1})


def test_a_button_press_is_no_unanswered_question_and_personal_data_is_removed():
    conversation = Conversation("c", 0)
    conversation.unanswered(CONTENT, "/ask_nothing", "fallback_intro")
    conversation.unanswered(CONTENT, "write to jo@example.com about parking", "out_of_scope_reply")
    assert dict(tally(conversation).unanswered) == {"write to [e-mail address] about parking": {"declined": 1}}


def test_feedback_needs_its_answer_id_and_a_yes_or_no():
    conversation = Conversation("c", 0)
    conversation.answered(CONTENT, "hsse.fee", helpful=True)
    conversation.slot("feedback_helpful", False)  # no answer id before it: not counted
    counted = tally(conversation)
    assert (counted.helpful, counted.not_helpful) == (Counter({"hsse.fee": 1}), Counter())


def test_wordings_near_in_meaning_are_one_group_most_asked_first():
    vectors = {"a": [1.0, 0.0], "a'": [0.9, 0.1], "b": [0.0, 1.0]}
    embed = lambda text: np.array(vectors[text]) / np.linalg.norm(vectors[text])  # noqa: E731
    unanswered = {"a": Counter({"declined": 1}), "a'": Counter({"topic list": 2}), "b": Counter({"declined": 1})}
    groups = report.grouped(unanswered, embed)
    assert [(group.count, group.examples) for group in groups] == [(3, ("a'", "a")), (1, ("b",))]


def test_the_page_is_one_file_with_its_charts_inline():
    conversation = Conversation("c", 0)
    conversation.answered(CONTENT, "hsse.fee", helpful=False, comment="<script>alert(1)</script>")
    built = report.Report(
        dt.date(2026, 11, 1), dt.date(2026, 12, 1), tally(conversation), [],
        report.answer_titles(CONTENT), {}, [],
    )  # fmt: skip
    page = report.html_page(built)
    assert page.count("<svg") == 2 and "<script>" not in page and "&lt;script&gt;" in page
    assert json.dumps("What is the HSSE fee?")[1:-1] in page
