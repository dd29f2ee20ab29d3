"""Locked down: the HTTP API off unless a token is set, CORS only for configured origins, and an
action server on loopback that answers malformed calls with a 4xx, never a 500."""

import json
import os
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from actions.wiring import CONTENT
from rasa_server.quiet import QUIET_ENVIRONMENT
from tests.conftest import ROOT
from tests.e2e.conftest import OTHER_ORIGINS
from tests.e2e.servers import conversation, running_assistant, texts, topic_openings

ALLOWED = OTHER_ORIGINS[0]
JSON = {"Accept": "application/json"}


def test_the_http_api_is_off_by_default(tmp_path):
    with running_assistant(tmp_path, enable_api=False) as assistant:
        for path in ["/status", "/domain", "/conversations/someone/tracker"]:
            assert requests.get(assistant.base + path, headers=JSON, timeout=10).status_code == 404, path
        assert requests.post(assistant.base + "/model/parse", json={"text": "hi"}, timeout=10).status_code == 404
        assert requests.put(assistant.base + "/model", json={}, timeout=10).status_code in (404, 405)
        assert texts(assistant.ask(conversation(), "What is HSSE?"))


def test_the_http_api_requires_the_token(assistant):
    def get(path: str, token: str | None) -> requests.Response:
        params = {"token": token} if token else {}
        return requests.get(assistant.base + path, params=params, headers=JSON, timeout=10)

    for path in ["/status", "/domain", "/conversations/someone/tracker"]:
        assert get(path, None).status_code == 401, path
        assert get(path, "wrong").status_code == 401, path
        assert get(path, assistant.token).ok, path
    unauthorised = requests.post(assistant.base + "/model/parse", json={"text": "hi"}, timeout=10)
    assert unauthorised.status_code == 401


def test_the_token_is_neither_in_the_process_list_nor_in_the_logs(assistant):
    for process in assistant.processes:
        assert assistant.token not in Path(f"/proc/{process.pid}/cmdline").read_text()
    assert assistant.token not in assistant.rasa_log(0).read_text()
    assert assistant.token not in (assistant.workdir / "actions.log").read_text()


def test_cors_allows_only_the_configured_origins(assistant):
    url = f"{assistant.base}/webhooks/rest/webhook"
    body = {"sender": conversation(), "message": "What is HSSE?"}
    allowed = requests.post(url, json=body, headers={"Origin": ALLOWED}, timeout=60)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED
    preflight = requests.options(url, headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"}, timeout=10)
    assert preflight.headers.get("Access-Control-Allow-Origin") == ALLOWED
    other = requests.post(url, json=body, headers={"Origin": "https://evil.example"}, timeout=60)
    assert "Access-Control-Allow-Origin" not in other.headers


def test_servers_refuse_to_start_with_a_wildcard_origin():
    env = {**os.environ, **QUIET_ENVIRONMENT, "ALLOWED_ORIGINS": "*"}
    for command in (["-m", "actions"], ["-m", "rasa_server", "run", "--model", "models"]):
        result = subprocess.run(
            [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode != 0 and "ALLOWED_ORIGINS" in result.stderr, command


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP socket listens on at `port`, from /proc/net/tcp and tcp6."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:  # 0A: LISTEN
                addresses.add(address)
    return addresses


def test_the_action_server_listens_on_loopback_only(assistant):
    assert listening_addresses(assistant.actions_port) == {"0100007F"}  # 127.0.0.1


def action_call(text: str = "What is HSSE?", intent: str = "ask_hsse", **tracker_fields) -> dict:
    tracker = {
        "sender_id": "action-server-test",
        "slots": {},
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
        **tracker_fields,
    }
    return {"next_action": "action_answer_question", "sender_id": "action-server-test", "tracker": tracker,
            "domain": {}, "version": "3.6.21"}  # fmt: skip


def post_action(assistant, data: bytes, headers: dict | None = None) -> requests.Response:
    return requests.post(
        f"http://127.0.0.1:{assistant.actions_port}/webhook",
        data=data,
        headers={"Content-Type": "application/json", **(headers or {})},
        timeout=60,
    )


def test_a_valid_action_call_is_answered(assistant):
    reply = post_action(assistant, json.dumps(action_call()).encode())
    assert reply.status_code == 200
    assert reply.json()["responses"][0]["text"].startswith("Higher Specialist Scientist Equivalence")
    compressed = post_action(
        assistant, zlib.compress(json.dumps(action_call()).encode()), {"Content-Encoding": "deflate"}
    )
    assert compressed.status_code == 200


MALFORMED_ACTION_CALLS = {
    "empty body": b"",
    "invalid JSON": b"{not json",
    "invalid UTF-8": b'{"next_action": "\xff\xfe"}',
    "a list": b"[1, 2]",
    "a string": b'"action_answer_question"',
    "null": b"null",
    "no action": json.dumps({**action_call(), "next_action": None}).encode(),
    "action is a number": json.dumps({**action_call(), "next_action": 7}).encode(),
    "no tracker": json.dumps({"next_action": "action_answer_question"}).encode(),
    "tracker is a list": json.dumps({**action_call(), "tracker": []}).encode(),
    "missing sender": json.dumps({**action_call(), "tracker": {"slots": {}}}).encode(),
    "sender is a number": json.dumps(action_call(sender_id=5)).encode(),
    "slots is a list": json.dumps(action_call(slots=[1])).encode(),
    "events hold strings": json.dumps(action_call(events=["x"])).encode(),
    "intent is a string": json.dumps(action_call(latest_message={"intent": "ask_hsse"})).encode(),
    "domain is a list": json.dumps({**action_call(), "domain": []}).encode(),
    "1 MB of garbage": b"x" * 1_000_000,
    "broken deflate": b"not deflate",
}


@pytest.mark.parametrize("name", MALFORMED_ACTION_CALLS)
def test_malformed_action_calls_get_a_400(assistant, name):
    headers = {"Content-Encoding": "deflate"} if name == "broken deflate" else None
    reply = post_action(assistant, MALFORMED_ACTION_CALLS[name], headers)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"]


def test_unknown_actions_get_a_404(assistant):
    reply = post_action(assistant, json.dumps({**action_call(), "next_action": "action_delete_everything"}).encode())
    assert reply.status_code == 404


@pytest.mark.parametrize(
    "text, intent",
    [
        ("🙂🙂🙂 What is HSSE? 🙂", "ask_hsse"),
        ("\x00\x01 What is HSSE?\x07", "ask_hsse"),
        ('/restart{"x": 1}', "restart"),
        ('/ask_hsse{"phd_year": "1850"}', "ask_hsse"),
        ("HSSE " * 200_000, "ask_hsse"),  # a 1 MB action call
    ],
)
def test_odd_but_well_formed_calls_are_answered(assistant, text, intent):
    reply = post_action(assistant, json.dumps(action_call(text, intent)).encode())
    assert reply.status_code == 200
    first = reply.json()["responses"][0]["text"]
    # An FAQ intent gets its answer whatever the text; an intent with no answer gets the topic list.
    expected = topic_openings(intent) if intent in CONTENT.answers else CONTENT.interface["fallback_intro"]
    assert first.startswith(expected)


def test_500_action_calls_at_once_all_answered_and_the_server_stays_up(assistant):
    body = json.dumps(action_call()).encode()
    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(lambda _: post_action(assistant, body).status_code, range(500)))
    assert statuses == [200] * 500
    assert requests.get(f"http://127.0.0.1:{assistant.actions_port}/health", timeout=10).ok
