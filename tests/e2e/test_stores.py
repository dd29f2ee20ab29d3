"""Conversations survive a crash, and several Rasa instances share them, with real stores.

The servers run as `make run` runs them, with the project's endpoints.yml; only the
environment differs: a SQLite file (the default), or PostgreSQL plus a Redis lock store
started here on loopback (the scaled set-up in docs/operations.md).
"""

import itertools
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from actions.wiring import CONTENT
from tests.e2e.servers import conversation, running_assistant, texts, topic_openings
from tools import launch
from tools.stores import running_shared_stores

QUESTIONS = [
    ("What is HSST?", "ask_what_is_hsst"),
    ("What are the sections of the DClinSci?", "ask_programme_structure"),
    ("Can I do HSST part time?", "ask_part_time"),
    ("What is HSSE?", "ask_hsse"),
    ("Does finishing HSST make me a Medical Physics Expert?", "ask_mpe"),
    ("Who pays the university fees for the doctorate?", "ask_pay_and_funding"),
    ("Can I skip Part C if I have a PhD?", "ask_part_c_exemption"),
    ("How many study leave days do HSST trainees get?", "ask_study_leave"),
]
# Half a route check: the answers so far are slots, and the form is waiting for the next one.
ROUTE_CHECK = [
    ("I'm an MRI physicist with a PhD from 2019, which route suits me?", "are you registered"),
    ("I'm a registered clinical scientist", "training to consultant level"),
    ("training", "Where do you work"),
    ("England", "employed by the NHS"),
]
SLOTS_SO_FAR = {"registration": "clinical_scientist", "specialism": "MRI", "goal": "training", "nation": "england",
                "has_phd": "yes", "phd_year": 2019, "requested_slot": "nhs_employed"}  # fmt: skip


def answered_or_asked(intent: str) -> tuple[str, ...]:
    """What a turn here may get: the topic's answer, or, for a short question read in the context of the
    conversation's last answer, "did you mean" or the topic list (issue 12's follow-ups, docs/nlu.md).
    These tests check the stores: every turn kept once and complete, never an error or a lost reply."""
    return (*topic_openings(intent), CONTENT.interface["did_you_mean_intro"], CONTENT.interface["fallback_intro"])


def user_texts(events: list) -> list[str]:
    return [event["text"] for event in events if event["event"] == "user"]


def tracker(assistant, sender: str, instance: int = 0) -> dict:
    reply = requests.get(
        f"{assistant.url(instance)}/conversations/{sender}/tracker", params={"token": assistant.token}, timeout=30
    )
    reply.raise_for_status()
    return reply.json()


def assert_survives_kill(assistant) -> None:
    """Half a route check, kill -9, restart: the same tracker and slots, and the check goes on where it was."""
    sender = conversation()
    for message, expected in ROUTE_CHECK:
        assert expected in texts(assistant.ask(sender, message))
    before = tracker(assistant, sender)
    assert SLOTS_SO_FAR.items() <= before["slots"].items()
    assert before["active_loop"]["name"] == "route_advice_form"

    assistant.kill_rasa(0)
    assistant.start_rasa(0)

    after_restart = tracker(assistant, sender)
    assert after_restart["events"] == before["events"]
    assert after_restart["slots"] == before["slots"]
    assert after_restart["active_loop"] == before["active_loop"]

    # The next answer is taken as the answer to the question that was pending.
    assert "nominate" in texts(assistant.ask(sender, "yes"))
    after = tracker(assistant, sender)
    assert after["events"][: len(before["events"])] == before["events"]
    assert user_texts(after["events"]) == [message for message, _ in ROUTE_CHECK] + ["yes"]
    assert after["slots"]["nhs_employed"] == "yes"
    # Still the same session: a restart did not start a new one.
    assert [e["event"] for e in after["events"]].count("session_started") == 1


def test_sqlite_conversation_survives_kill_9_and_restart(tmp_path):
    with running_assistant(tmp_path) as assistant:
        assert_survives_kill(assistant)


@pytest.fixture(scope="module")
def scaled_stores():
    """PostgreSQL and Redis with passwords, as the environment endpoints.yml reads."""
    with running_shared_stores() as env:
        yield env


@pytest.fixture(scope="module")
def two_instances(scaled_stores, tmp_path_factory):
    with running_assistant(tmp_path_factory.mktemp("scaled"), extra_env=scaled_stores, rasa_instances=2) as started:
        yield started


def test_postgresql_conversation_survives_kill_9_and_restart(two_instances, scaled_stores):
    assert_survives_kill(two_instances)
    for instance in (0, 1):
        log = two_instances.rasa_log(instance).read_text()
        assert scaled_stores["PGPASSWORD"] not in log
        assert scaled_stores["LOCK_STORE_PASSWORD"] not in log


def assert_every_turn_once_and_complete(events: list, sent: list[str]) -> None:
    """Each message sent is in the tracker once, in order, and was fully handled before the next."""
    assert user_texts(events) == sent
    turns = [[]]
    for event in events:
        if event["event"] == "user":
            turns.append([])
        turns[-1].append(event)
    for turn in turns[1:]:
        kinds = [event["event"] for event in turn]
        assert kinds.count("user") == 1 and "bot" in kinds, kinds
        assert turn[-1]["event"] == "action" and turn[-1]["name"] == "action_listen", kinds
        assert [event.get("name") for event in turn].count("action_listen") == 1, kinds


def test_two_instances_50_conversations_of_20_turns_alternating_instances(two_instances):
    """Each conversation alternates instances turn by turn; 50 of them run at once."""
    turns = 20

    def talk(number: int) -> tuple[str, list[str]]:
        sender = f"alternating-{number}-{uuid.uuid4().hex[:8]}"
        questions = list(itertools.islice(itertools.cycle(QUESTIONS), number, number + turns))
        sent = []
        for turn, (question, intent) in enumerate(questions):
            text = f"{question} ({turn + 1})"
            reply = texts(two_instances.ask(sender, text, instance=(number + turn) % 2))
            assert reply.startswith(answered_or_asked(intent)), (sender, text, reply)
            sent.append(text)
        return sender, sent

    with ThreadPoolExecutor(max_workers=50) as pool:
        conversations = list(pool.map(talk, range(50)))
    for sender, sent in conversations:
        events = tracker(two_instances, sender, instance=1)["events"]
        assert events == tracker(two_instances, sender, instance=0)["events"]
        assert_every_turn_once_and_complete(events, sent)


def test_two_instances_take_turns_on_one_conversation_sent_to_both_at_once(two_instances):
    """Two messages of one conversation reach both instances at the same moment: the Redis lock
    makes them wait for each other, so neither turn is lost or interleaved with the other."""

    def both_at_once(sender: str, round_number: int) -> None:
        messages = [f"What is HSSE? ({round_number}a)", f"What is HSST? ({round_number}b)"]
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = list(pool.map(two_instances.ask, [sender, sender], messages, [0, 1]))
        for reply, intent in zip(replies, ("ask_hsse", "ask_what_is_hsst"), strict=True):
            assert texts(reply).startswith(answered_or_asked(intent))

    senders = [conversation() for _ in range(10)]
    for sender in senders:
        for round_number in range(3):
            both_at_once(sender, round_number)
        events = tracker(two_instances, sender)["events"]
        sent = user_texts(events)
        assert sorted(sent) == sorted(
            f"What is HSS{x}? ({n}{y})" for n in range(3) for x, y in (("E", "a"), ("T", "b"))
        )
        assert_every_turn_once_and_complete(events, sent)


def test_every_server_runs_with_one_blas_thread(two_instances):
    """The launcher's environment reaches the processes it started (docs/performance.md)."""
    for process in [two_instances.action_server, *two_instances.rasa_servers]:
        environ = dict(
            entry.split("=", 1)
            for entry in Path(f"/proc/{process.pid}/environ").read_text().split("\0")
            if "=" in entry
        )
        assert {name: environ.get(name) for name in launch.ONE_BLAS_THREAD} == launch.ONE_BLAS_THREAD
