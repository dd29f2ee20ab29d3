"""Starts the real action server and Rasa server on free loopback ports, for end-to-end tests.

Every test that talks to the assistant through a channel (REST, socket.io, Slack, a
browser, a terminal) starts its servers through `running_assistant`, so they all run the
same way: the trained model, the project's credentials unless told otherwise, and an
action endpoint pointing at the action server started beside it.
"""

import contextlib
import functools
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT

MODEL = ROOT / "models" / "advisor.tar.gz"
STARTUP_SECONDS = 300
ANSWER_SECONDS = 120
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONWARNINGS": "ignore",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


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
    """One action server and one or more Rasa servers sharing the stores named in `env`."""

    rasa_ports: list[int]
    actions_port: int
    token: str
    workdir: Path
    env: dict
    credentials: Path
    action_server: subprocess.Popen | None = None
    rasa_servers: list = field(default_factory=list)
    # The widget's demo page and its server, when started with serve_web_page=True.
    page_url: str | None = None
    web_server: subprocess.Popen | None = None

    @property
    def rasa_port(self) -> int:
        return self.rasa_ports[0]

    @property
    def base(self) -> str:
        return self.url(0)

    @property
    def processes(self) -> list:
        return [process for process in (self.action_server, *self.rasa_servers, self.web_server) if process]

    def url(self, instance: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[instance]}"

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

    def rasa_log(self, instance: int) -> Path:
        return self.workdir / f"rasa-{instance}.log"

    def start_rasa(self, instance: int) -> None:
        """Starts Rasa server `instance` (again) and waits until its channels answer."""
        command = [sys.executable, str(ROOT / "scripts" / "rasa_quiet.py"), "run", "--model", str(MODEL),
                   "--credentials", str(self.credentials), "--endpoints", str(ROOT / "endpoints.yml"),
                   "--port", str(self.rasa_ports[instance])]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.rasa_log(instance).open("a"), stderr=subprocess.STDOUT
        )
        if instance < len(self.rasa_servers):
            self.rasa_servers[instance] = process
        else:
            self.rasa_servers.append(process)
        # /webhooks/rest/ answers once the model is loaded and the channels are up.
        wait_until(
            lambda: requests.get(f"{self.url(instance)}/webhooks/rest/", timeout=2).ok,
            [process],
            [self.rasa_log(instance)],
            f"Rasa server {instance}",
        )

    def kill_rasa(self, instance: int) -> None:
        """Ends Rasa server `instance` with SIGKILL, as a crash or an OOM kill would."""
        self.rasa_servers[instance].kill()
        self.rasa_servers[instance].wait(timeout=30)


def server_environment(workdir: Path, actions_port: int) -> dict:
    """The settings endpoints.yml and the servers read, for one instance: conversations in SQLite in `workdir`."""
    return {
        "ACTIONS_HOST": "127.0.0.1",
        "ACTIONS_PORT": str(actions_port),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "localhost",
        "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_PASSWORD": "",
    }


@contextlib.contextmanager
def running_assistant(
    workdir: Path,
    credentials: Path = ROOT / "credentials.yml",
    extra_env: dict | None = None,
    enable_api: bool = True,
    serve_web_page: bool = False,
    rasa_instances: int = 1,
) -> Iterator[RunningAssistant]:
    """Starts the action server and `rasa_instances` Rasa servers, yields them, and stops them afterwards.

    They run as `make run` runs them (scripts/action_server.py, scripts/rasa_quiet.py and the
    project's endpoints.yml), with the stores in `server_environment` unless `extra_env` names
    others. The HTTP API is on (token-protected) by default only so that tests can read trackers.
    With `serve_web_page`, the widget's demo page (web/dist, built by `make web`) is served too,
    on a loopback port of its own that is the only origin ALLOWED_ORIGINS lets connect.
    """
    assert MODEL.exists(), "train the model first: make model"
    actions_port, web_port = free_port(), free_port()
    token = uuid.uuid4().hex
    web_env = {"ALLOWED_ORIGINS": f"http://127.0.0.1:{web_port}"} if serve_web_page else {}
    env = {**os.environ, **QUIET_ENV, **server_environment(workdir, actions_port), **web_env, **(extra_env or {})}
    env.pop("RASA_API_TOKEN", None)
    if enable_api:
        env["RASA_API_TOKEN"] = token
    assistant = RunningAssistant(rasa_ports=[free_port() for _ in range(rasa_instances)], actions_port=actions_port,
                                 token=token, workdir=workdir, env=env, credentials=credentials)  # fmt: skip
    actions_log = workdir / "actions.log"
    assistant.action_server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "action_server.py")],
        cwd=ROOT,
        env=env,
        stdout=actions_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(
            lambda: requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=2).ok,
            [assistant.action_server],
            [actions_log],
            "the action server",
        )
        for instance in range(rasa_instances):
            assistant.start_rasa(instance)
        if serve_web_page:
            assert (ROOT / "web" / "dist" / "advisor-widget.js").exists(), "build the widget first: make web"
            assistant.page_url = f"http://127.0.0.1:{web_port}"
            web_log = workdir / "web.log"
            assistant.web_server = subprocess.Popen(
                [sys.executable, str(ROOT / "scripts" / "serve_web.py"), str(web_port), assistant.base],
                cwd=ROOT, env=env, stdout=web_log.open("w"), stderr=subprocess.STDOUT,
            )  # fmt: skip
            wait_until(
                lambda: requests.get(assistant.page_url, timeout=2).ok,
                [assistant.web_server],
                [web_log],
                "the web page",
            )
        yield assistant
    finally:
        for process in assistant.processes:
            process.terminate()
        for process in assistant.processes:
            process.wait(timeout=30)


@contextlib.contextmanager
def running_redis(password: str) -> Iterator[int]:
    """A throwaway Redis on a free loopback port, nothing saved to disk; yields its port."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--requirepass", password],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: _answers_on(port), [process], [], "Redis")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers_on(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


# Debian installs each PostgreSQL major version under /usr/lib/postgresql/<version>/bin.
POSTGRES_BIN = Path(
    os.environ.get("POSTGRES_BIN")
    or max(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2]), default="")
)


@contextlib.contextmanager
def running_postgres(password: str, settings: dict | None = None) -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free loopback port; yields its URL (without the password).

    The cluster's user `rasa` has `password` (scram-sha-256); `settings` are extra server
    settings, e.g. {"synchronous_commit": "off"}. PostgreSQL refuses to run as
    root, so under root (as in CI) the server runs as the `postgres` user the Debian package creates.
    """
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    home = Path(tempfile.mkdtemp(prefix="advisor-postgres-"))
    if as_postgres:
        shutil.chown(home, "postgres")
    password_file = home / "password"
    password_file.write_text(password)
    if as_postgres:
        shutil.chown(password_file, "postgres")
    data, port = home / "data", free_port()
    run = functools.partial(subprocess.run, check=True, capture_output=True)
    run([*as_postgres, str(POSTGRES_BIN / "initdb"), "-D", str(data), "-U", "rasa", "--auth=scram-sha-256",
         f"--pwfile={password_file}"])  # fmt: skip
    password_file.unlink()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={home}"
    options += "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
    run([*as_postgres, str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(home / "log"),
         "-w", "start"])  # fmt: skip
    try:
        run([str(POSTGRES_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "rasa", "rasa"],
            env={**os.environ, "PGPASSWORD": password})  # fmt: skip
        yield f"postgresql://rasa@127.0.0.1:{port}/rasa"
    finally:
        subprocess.run([*as_postgres, str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)
