"""Starts the real action server and Rasa server on free loopback ports, for end-to-end tests.

Every test that talks to the assistant through a channel (REST, socket.io, Slack, a
browser, a terminal) starts its servers through `running_assistant`, so they all run the
same way: the trained model, the project's credentials unless told otherwise, and an
action endpoint pointing at the action server started beside it.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT

MODEL = ROOT / "models" / "advisor.tar.gz"
RASA = Path(sys.executable).parent / "rasa"
STARTUP_SECONDS = 300
ANSWER_SECONDS = 120
QUIET_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready: Callable[[], object], processes: list, logs: list[Path], what: str) -> None:
    """Polls `ready` until it returns something truthy; fails with the logs if a server exits."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                pytest.fail(
                    f"a server exited while starting {what}:\n" + "\n".join(p.read_text()[-3000:] for p in logs)
                )
        try:
            if ready():
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    pytest.fail(f"{what} not ready after {STARTUP_SECONDS} s")


def conversation() -> str:
    """A new sender id, so each test talks in a conversation of its own."""
    return f"test-{uuid.uuid4().hex[:12]}"


def texts(replies: list) -> str:
    # Rasa's REST output sends each paragraph (split on blank lines) as its own message.
    return "\n\n".join(reply.get("text", "") for reply in replies)


@dataclass
class RunningAssistant:
    """The ports, token and processes of one started action server + Rasa server pair."""

    rasa_port: int
    actions_port: int
    token: str
    workdir: Path
    processes: list = field(default_factory=list)
    # The widget's demo page, when started with serve_web_page=True.
    page_url: str | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def post_raw(self, data: bytes) -> requests.Response:
        return requests.post(
            f"{self.base}/webhooks/rest/webhook", data=data, headers={"Content-Type": "application/json"}, timeout=60
        )

    def post(self, body) -> requests.Response:
        return requests.post(f"{self.base}/webhooks/rest/webhook", json=body, timeout=60)

    def ask(self, sender: str, text: str) -> list:
        reply = self.post({"sender": sender, "message": text})
        assert reply.status_code == 200, reply.text
        return reply.json()

    def tracker_events(self, sender: str) -> list:
        reply = requests.get(f"{self.base}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30)
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


@contextlib.contextmanager
def running_assistant(
    workdir: Path,
    credentials: Path = ROOT / "credentials.yml",
    extra_env: dict | None = None,
    enable_api: bool = True,
    serve_web_page: bool = False,
) -> Iterator[RunningAssistant]:
    """Starts both servers, waits until they answer, yields them, and stops them afterwards.

    The HTTP API is on (token-protected) by default only so that tests can read trackers.
    With `serve_web_page`, the widget's demo page (web/dist, built by `make web`) is served too,
    on a loopback port of its own that is the only origin ALLOWED_ORIGINS lets connect.
    """
    assert MODEL.exists(), "train the model first: make model"
    assistant = RunningAssistant(rasa_port=free_port(), actions_port=free_port(), token=uuid.uuid4().hex,
                                 workdir=workdir)  # fmt: skip
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{assistant.actions_port}/webhook"\n')
    web_port = free_port()
    if serve_web_page:
        assert (ROOT / "web" / "dist" / "advisor-widget.js").exists(), "build the widget first: make web"
        assistant.page_url = f"http://127.0.0.1:{web_port}"
    web_env = {"ALLOWED_ORIGINS": assistant.page_url} if serve_web_page else {}
    env = {**os.environ, **QUIET_ENV, **web_env, **(extra_env or {})}
    logs = [workdir / "actions.log", workdir / "rasa.log"]
    api = ["--enable-api", "--auth-token", assistant.token] if enable_api else []
    commands = [
        [str(RASA), "run", "actions", "--port", str(assistant.actions_port)],
        [str(RASA), "run", "--model", str(MODEL), "--credentials", str(credentials), "--endpoints", str(endpoints),
         "--port", str(assistant.rasa_port), *api],
    ]  # fmt: skip
    if serve_web_page:
        commands.append([sys.executable, str(ROOT / "scripts" / "serve_web.py"), str(web_port), assistant.base])
        logs.append(workdir / "web.log")
    assistant.processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        for command, log in zip(commands, logs, strict=True)
    ]
    try:
        wait_until(
            lambda: requests.get(f"http://127.0.0.1:{assistant.actions_port}/health", timeout=2).ok,
            assistant.processes,
            logs,
            "the action server",
        )
        # /webhooks/rest/ answers once the model is loaded and the channels are up.
        wait_until(
            lambda: requests.get(f"{assistant.base}/webhooks/rest/", timeout=2).ok,
            assistant.processes,
            logs,
            "the Rasa server",
        )
        if assistant.page_url:
            wait_until(
                lambda: requests.get(assistant.page_url, timeout=2).ok, assistant.processes, logs, "the web page"
            )
        yield assistant
    finally:
        for process in assistant.processes:
            process.terminate()
        for process in assistant.processes:
            process.wait(timeout=30)
