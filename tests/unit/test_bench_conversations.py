"""The benchmark's dialogues are what people type, and its counting: what is an answer, whose CPU is whose.

YAML reads an unquoted yes, no or 0.8 as a boolean or a number, which the REST channel
rightly refuses with a 400; the benchmark would then count our own typo as a server error.
"""

import os
import threading
import time

import yaml

from tests.conftest import read_yaml
from tools.bench.run import FAILURE_TEXT, CpuUse, answered, plain_rasa_endpoints, thread_cpu_seconds


def test_every_benchmark_message_is_text():
    conversations = read_yaml("tools/bench/conversations.yml")["conversations"]
    assert len(conversations) >= 10
    for conversation in conversations:
        assert conversation, "an empty conversation"
        for message in conversation:
            assert isinstance(message, str) and message.strip(), (
                f"quote it in tools/bench/conversations.yml: {message!r}"
            )


def test_a_reply_counts_when_it_is_a_list_without_the_failure_text():
    assert answered([{"text": "HSST is ..."}], empty_is_an_answer=False)
    assert not answered([], empty_is_an_answer=False)  # the advisor always says something
    assert answered([], empty_is_an_answer=True)  # the rasa init bot may say nothing
    assert not answered(None, empty_is_an_answer=True)  # not a 200 reply, or no JSON list
    assert not answered([{"text": f"Sorry, {FAILURE_TEXT}."}], empty_is_an_answer=True)
    assert answered([{"image": "https://example.org/a.png"}], empty_is_an_answer=False)


def test_thread_cpu_is_read_per_thread_from_proc():
    spun, stop = threading.Event(), threading.Event()

    def busy() -> None:
        while time.thread_time() < 0.2:  # this thread's own CPU clock, however loaded the machine
            sum(range(1000))
        spun.set()
        stop.wait()

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        assert spun.wait(timeout=60)
        threads = thread_cpu_seconds(os.getpid())
    finally:
        stop.set()
        worker.join()
    assert os.getpid() in threads and worker.native_id in threads
    assert threads[worker.native_id][0] == threads[os.getpid()][0]  # Python 3.10 names threads by the program
    assert 0.15 <= threads[worker.native_id][1] < 5


def test_cpu_use_sums_threads_and_names_the_busiest():
    use = CpuUse({"Rasa 0": [("main", 12.0), ("python[12]", 3.5), ("python[13]", 0.01)], "actions": [("main", 1.5)]})
    assert abs(use.total - 17.01) < 1e-9
    assert use.busiest("Rasa 0") == "main 12.0, python[12] 3.5"


def test_the_plain_rasa_bot_uses_rasas_own_stores_at_the_same_addresses():
    env = {"TRACKER_STORE_URL": "postgresql://rasa@127.0.0.1:5432/rasa", "LOCK_STORE_TYPE": "in_memory"}
    assert yaml.safe_load(plain_rasa_endpoints(env)) == {
        "tracker_store": {"type": "sql", "url": "postgresql://rasa@127.0.0.1:5432/rasa"},
        "lock_store": {"type": "in_memory"},
    }
    env.update(LOCK_STORE_TYPE="rasa_server.lock_store.RedisLockStore", LOCK_STORE_HOST="127.0.0.1",
               LOCK_STORE_PORT="6380", LOCK_STORE_PASSWORD="secret")  # fmt: skip
    lock = yaml.safe_load(plain_rasa_endpoints(env))["lock_store"]
    assert lock == {"type": "redis", "url": "127.0.0.1", "port": "6380", "password": "secret", "db": 1}
