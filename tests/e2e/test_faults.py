"""Faults have a voice and nothing is lost without a word, on servers of this module's own.

The action server is stopped and frozen (SIGSTOP) here, so these tests start their own servers
rather than freeze the shared ones; they run with the real rate limits (the shared servers run
without, tools/launch.py isolated_settings), a short action timeout and the default queue limit.
"""

import asyncio
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import read_yaml
from tests.e2e.servers import conversation, running_assistant, texts, topic_openings
from tests.e2e.test_socketio_matrix import Chat

ACTION_TIMEOUT_SECONDS = 3
PER_SENDER, PER_IP, QUEUE = 15, 40, 3
INTERFACE = read_yaml("content/interface.yml")
UNAVAILABLE = INTERFACE["action_unavailable_reply"]
BUSY = INTERFACE["busy_reply"]
TOO_MANY = " ".join(INTERFACE["too_many_reply"].split())
HSSE = tuple(opening.split("\n\n")[0] for opening in topic_openings("ask_hsse"))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    env = {"ACTION_TIMEOUT_SECONDS": str(ACTION_TIMEOUT_SECONDS), "RATE_LIMIT_PER_SENDER": str(PER_SENDER),
           "RATE_LIMIT_PER_IP": str(PER_IP), "QUEUE_LIMIT": str(QUEUE)}  # fmt: skip
    with running_assistant(tmp_path_factory.mktemp("faults"), extra_env=env) as servers:
        yield servers


class frozen:
    """The action server stopped with SIGSTOP (as a hung process is) until the block ends."""

    def __init__(self, assistant) -> None:
        self.pid = assistant.action_server.pid

    def __enter__(self):
        os.kill(self.pid, signal.SIGSTOP)

    def __exit__(self, *exc):
        os.kill(self.pid, signal.SIGCONT)


def user_messages(assistant, sender: str) -> list[str]:
    return [event["text"] for event in assistant.tracker_events(sender) if event["event"] == "user"]


def test_an_unreachable_action_server_gets_a_try_again_reply_and_the_message_is_kept(assistant):
    sender = conversation()
    assistant.action_server.terminate()
    assistant.action_server.wait(timeout=30)
    try:
        assert texts(assistant.ask(sender, "What is HSSE?")) == UNAVAILABLE
    finally:
        assistant.start_actions()
    assert user_messages(assistant, sender) == ["What is HSSE?"]
    assert texts(assistant.ask(sender, "What is HSSE?")).startswith(HSSE)


def test_a_frozen_action_server_gets_the_reply_within_seconds_and_the_route_check_carries_on(assistant):
    sender = conversation()
    assert "are you registered" in texts(assistant.ask(sender, "which route suits me"))
    with frozen(assistant):
        started = time.monotonic()
        reply = texts(assistant.ask(sender, '/inform{"registration": "clinical_scientist"}'))
        waited = time.monotonic() - started
    # One reply after one timeout: the turn's later actions (the form's next question) are not tried.
    assert reply == UNAVAILABLE
    assert waited < 3 * ACTION_TIMEOUT_SECONDS
    assert user_messages(assistant, sender)[-1] == '/inform{"registration": "clinical_scientist"}'
    assert "Which specialism" in texts(assistant.ask(sender, '/inform{"registration": "clinical_scientist"}'))


def test_messages_beyond_the_queue_limit_get_a_too_many_reply_at_once(assistant):
    sender = conversation()
    with frozen(assistant), ThreadPoolExecutor(max_workers=QUEUE + 3) as pool:

        def ask(number: int) -> tuple[str, float]:
            time.sleep(0.05 * number)  # in order, all within the first action call's wait
            started = time.monotonic()
            return texts(assistant.ask(sender, "What is HSSE?")), time.monotonic() - started

        answered = list(pool.map(ask, range(QUEUE + 3)))
    refused = [seconds for reply, seconds in answered if reply == TOO_MANY]
    assert len(refused) == 3 and max(refused) < ACTION_TIMEOUT_SECONDS
    assert all(reply in (TOO_MANY, UNAVAILABLE) for reply, _ in answered)
    assert len(user_messages(assistant, sender)) == QUEUE
    assert "refused: queue limit" in assistant.rasa_log(0).read_text()


def test_a_second_socketio_message_while_the_first_waits_gets_one_moment(assistant):
    async def chat():
        async with Chat(assistant.base) as tab:
            with frozen(assistant):
                await tab.client.emit("user_uttered", {"message": "What is HSSE?", "session_id": tab.session_id})
                await asyncio.sleep(0.5)
                replies = await tab.send(
                    {"message": "Can I do HSST part time?", "session_id": tab.session_id},
                    quiet_seconds=ACTION_TIMEOUT_SECONDS + 2,
                )
            return [reply["text"] for reply in replies], tab.session_id

    replies, sender = asyncio.run(chat())
    assert replies[0] == BUSY
    assert UNAVAILABLE in replies
    assistant.wait_until_answered(sender, "Can I do HSST part time?")


def wait_for_a_fresh_minute_if_less_than(seconds: float) -> None:
    """The limits count per clock minute: start a burst where it cannot straddle two."""
    left = 60 - time.time() % 60
    if left < seconds:
        time.sleep(left + 0.5)


def test_a_sender_over_15_messages_a_minute_is_told_to_wait(assistant):
    sender = conversation()
    wait_for_a_fresh_minute_if_less_than(40)
    replies = [texts(assistant.ask(sender, "hello")) for _ in range(PER_SENDER + 2)]
    assert all(reply != TOO_MANY for reply in replies[:PER_SENDER])
    assert replies[PER_SENDER:] == [TOO_MANY, TOO_MANY]
    assert len(user_messages(assistant, sender)) == PER_SENDER
    assert "refused: sender rate limit" in assistant.rasa_log(0).read_text()


def test_an_address_over_its_limit_is_told_to_wait_and_it_is_logged(assistant):
    wait_for_a_fresh_minute_if_less_than(40)
    replies = [texts(assistant.ask(conversation(), "hello")) for _ in range(PER_IP + 1)]
    assert replies[-1] == TOO_MANY
    assert all(reply for reply in replies)
    assert "refused: IP rate limit" in assistant.rasa_log(0).read_text()
