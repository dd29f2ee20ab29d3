"""The real servers for end-to-end tests, started through the project's one launcher (tools/launch.py).

`running_assistant` starts them as `make run` does, on free loopback ports, with conversations
in a SQLite file of the test's own; `RunningAssistant` adds what a test asks of them (REST
turns, tracker reads). A server that does not start fails the test with its log.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from actions.wiring import CONTENT
from tools import launch

ANSWER_SECONDS = 120


def conversation() -> str:
    """A new sender id, so each test talks in a conversation of its own."""
    return f"test-{uuid.uuid4().hex[:12]}"


def topic_openings(intent: str) -> tuple[str, ...]:
    """How a reply on this topic starts: its full topic page (a button asks for it), or the direct
    answer of one of the topic's questions (what a question in words gets); str.startswith takes these."""
    questions = (answer.answer for answer in CONTENT.questions.values() if answer.topic == intent)
    return (CONTENT.answers[intent].text, *questions)


def texts(replies: list) -> str:
    # Rasa's REST output sends each paragraph (split on blank lines) as its own message.
    return "\n\n".join(reply.get("text", "") for reply in replies)


class RunningAssistant(launch.Assistant):
    """The launcher's servers, with the calls tests make on them."""

    @property
    def rasa_port(self) -> int:
        return self.rasa_ports[0]

    @property
    def workdir(self) -> Path:
        return self.log_dir

    @property
    def token(self) -> str:
        return self.env.get("RASA_API_TOKEN", "")

    def post_raw(self, data: bytes, instance: int = 0) -> requests.Response:
        return requests.post(
            f"{self.url(instance)}/webhooks/rest/webhook",
            data=data,
            headers={"Content-Type": "application/json"},
            timeout=60,
        )

    def post(self, body, instance: int = 0) -> requests.Response:
        return requests.post(f"{self.url(instance)}/webhooks/rest/webhook", json=body, timeout=60)

    def ask(self, sender: str, text: str, instance: int = 0) -> list:
        reply = self.post({"sender": sender, "message": text}, instance)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def tracker_events(self, sender: str, instance: int = 0) -> list:
        reply = requests.get(
            f"{self.url(instance)}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30
        )
        reply.raise_for_status()
        return reply.json()["events"]

    def wait_until_answered(self, sender: str, user_text: str, times: int = 1) -> list:
        """Waits until Rasa has handled the `times`-th message `user_text` and is listening again; returns the events.

        For channels that answer in the background (Slack, socket.io): Rasa saves the tracker only
        after the replies have been sent, so once this returns every reply has left the server.
        """
        deadline = time.monotonic() + ANSWER_SECONDS
        while time.monotonic() < deadline:
            events = self.tracker_events(sender)
            said = [i for i, event in enumerate(events) if event["event"] == "user" and event.get("text") == user_text]
            if len(said) >= times and any(event.get("name") == "action_listen" for event in events[said[-1] :]):
                return events
            time.sleep(0.2)
        pytest.fail(f"{sender} was not answered {user_text!r} within {ANSWER_SECONDS} s: {events}")

    def start_rasa(self, instance: int) -> None:
        try:
            super().start_rasa(instance)
        except launch.LaunchError as problem:
            pytest.fail(str(problem))


@contextlib.contextmanager
def running_assistant(
    workdir: Path,
    extra_env: dict | None = None,
    enable_api: bool = True,
    serve_web_page: bool = False,
    rasa_instances: int = 1,
) -> Iterator[RunningAssistant]:
    """Starts the action server and `rasa_instances` Rasa servers, yields them, and stops them afterwards.

    The stores are those of `launch.isolated_settings` unless `extra_env` names others (Slack, for one,
    is switched on by its settings in `extra_env`). The HTTP API is on (token-protected) by default
    only so that tests can read trackers. With `serve_web_page`, the widget's demo page (web/dist,
    built by `make web`) is served too, on a port of its own whose origin ALLOWED_ORIGINS allows.
    """
    actions_port = launch.free_port()
    web_port = launch.free_port() if serve_web_page else None
    env = launch.environment({**launch.isolated_settings(workdir, actions_port), **(extra_env or {})})
    if serve_web_page:
        # The demo page's own origin, besides any that extra_env allows.
        env["ALLOWED_ORIGINS"] = ", ".join(
            filter(None, [f"http://127.0.0.1:{web_port}", extra_env and extra_env.get("ALLOWED_ORIGINS")])
        )
    env.pop("RASA_API_TOKEN", None)
    if enable_api:
        env["RASA_API_TOKEN"] = uuid.uuid4().hex
    ports = [launch.free_port() for _ in range(rasa_instances)]
    try:
        with launch.running_assistant(workdir, env, ports, web_port, assistant_class=RunningAssistant) as assistant:
            yield assistant
    except launch.LaunchError as problem:
        pytest.fail(str(problem))
