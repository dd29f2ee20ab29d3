"""The REST channel's check on request bodies, and the way in every channel shares (MessageGate: checks, rate
and queue limits), in-process. tests/e2e/test_rest.py, test_safety.py and test_faults.py send them over HTTP."""

import asyncio
import logging

import pytest
import redis

from advisor.message_checks import MessageChecks
from advisor.server_settings import MessageLimits, message_limits
from rasa_server.channels import MessageGate, RateCounter
from rasa_server.channels.rest import request_problem
from tools.launch import free_port
from tools.stores import running_redis

CHECKS = MessageChecks.from_settings()


def test_a_well_formed_body_passes():
    assert request_problem({"sender": "someone", "message": "What is HSSE?"}) is None
    assert request_problem({"sender": "someone", "message": None}) is None  # an empty message, answered politely


@pytest.mark.parametrize(
    "body, problem",
    [
        ([1, 2], "JSON object"),
        ("hi", "JSON object"),
        ({"message": "hi"}, "'sender' is required"),
        ({"sender": "", "message": "hi"}, "'sender' is required"),
        ({"sender": 12, "message": "hi"}, "'sender' is required"),
        ({"sender": "has spaces", "message": "hi"}, "letters, digits"),
        ({"sender": "ok"}, "'message' is required"),
        ({"sender": "ok", "message": 42}, "must be a string"),
    ],
)
def test_malformed_bodies_are_named(body, problem):
    assert problem in request_problem(body)


# --- the way in every channel shares (rasa_server/channels MessageGate) -------------------------


class Collected:
    """What a channel sent, and what it gave Rasa."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.processed: list[str] = []

    async def send(self, text: str) -> None:
        self.sent.append(text)

    async def process(self, text: str) -> None:
        self.processed.append(text)


def gate(**limits) -> MessageGate:
    return MessageGate(CHECKS, MessageLimits(**limits))


def enter(the_gate: MessageGate, text: str, sender: str = "someone", ip: str = "10.0.0.1") -> Collected:
    collected = Collected()
    asyncio.run(the_gate.enter(text, sender, ip, "rest", collected.send, collected.process))
    return collected


def test_the_16th_message_in_a_minute_from_one_sender_is_refused_with_a_reply(caplog):
    the_gate = gate(per_sender=15, per_ip=0)
    for _ in range(15):
        assert enter(the_gate, "What is HSSE?").processed == ["What is HSSE?"]
    with caplog.at_level(logging.WARNING):
        refused = enter(the_gate, "What is HSSE?")
    assert refused.processed == [] and refused.sent == [the_gate.too_many_reply]
    assert "refused: sender rate limit" in caplog.text and "someone" not in caplog.text
    assert enter(the_gate, "What is HSSE?", sender="someone-else").processed


def test_the_ip_limit_counts_every_sender_from_one_address():
    the_gate = gate(per_sender=0, per_ip=3)
    assert [bool(enter(the_gate, "hi", sender=f"s{n}").processed) for n in range(4)] == [True, True, True, False]
    assert enter(the_gate, "hi", sender="s9", ip="10.0.0.2").processed


def test_a_crisis_is_signposted_even_over_the_rate_limit():
    the_gate = gate(per_sender=1, per_ip=0)
    enter(the_gate, "hi")
    assert enter(the_gate, "I want to kill myself").sent == [the_gate.checks.crisis_reply]


def test_limits_of_zero_are_off():
    the_gate = gate(per_sender=0, per_ip=0, queue=0)
    assert all(enter(the_gate, "hi").processed for _ in range(50))


def test_the_personal_data_note_comes_before_rasas_reply():
    collected = enter(gate(), "I'm jo@example.org. What is HSSE?")
    assert collected.processed == ["I'm [e-mail address]. What is HSSE?"]
    assert "e-mail address" in collected.sent[0]


def test_beyond_the_queue_limit_a_message_is_refused_at_once_and_a_waiting_one_is_told_one_moment():
    the_gate = gate(per_sender=0, per_ip=0, queue=2)
    release = None

    async def scenario():
        nonlocal release
        release = asyncio.Event()
        collected = [Collected() for _ in range(3)]

        async def slow(text: str) -> None:
            await release.wait()

        tasks = []
        for each in collected:
            tasks.append(asyncio.create_task(the_gate.enter("hi", "someone", None, "socketio", each.send, slow)))
            await asyncio.sleep(0.01)
        refused_at_once = collected[2].sent == [the_gate.too_many_reply]
        release.set()
        await asyncio.gather(*tasks)
        return collected, refused_at_once

    collected, refused_at_once = asyncio.run(scenario())
    assert collected[0].sent == [] and collected[1].sent == [the_gate.busy_reply]
    assert refused_at_once
    assert the_gate.waiting == {}


def test_the_rate_is_counted_in_redis_shared_by_every_instance():
    with running_redis("secret") as port:
        limits = message_limits({"LOCK_STORE_TYPE": "rasa_server.lock_store.RedisLockStore",
                                 "LOCK_STORE_HOST": "127.0.0.1", "LOCK_STORE_PORT": str(port),
                                 "LOCK_STORE_PASSWORD": "secret", "RATE_LIMIT_PER_SENDER": "2"})  # fmt: skip
        first, second = (MessageGate(CHECKS, limits) for _ in range(2))
        assert enter(first, "hi").processed and enter(second, "hi").processed
        assert enter(first, "hi").processed == [] and enter(second, "hi").processed == []


def test_an_unreachable_redis_counts_in_this_process():
    counter = RateCounter(redis.Redis(port=free_port(), socket_timeout=0.5))
    assert [counter.count("sender:x") for _ in range(3)] == [1, 2, 3]
