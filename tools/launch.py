"""The one launcher: starts the action server, the Rasa server(s) and the widget's demo page, and stops them.

`make run`, `make shell`, the end-to-end tests and the benchmark all start the assistant
through this module, so it runs the same way everywhere: `python -m actions`, `python -m
rasa_server run` with the project's endpoints.yml, and the settings below from the environment.

    python -m tools.launch run     the assistant on RASA_PORT (5005), the action server on
                                   ACTIONS_PORT (5055) and the demo page on WEB_PORT (8080);
                                   says how to chat, stops everything on Ctrl-C
    python -m tools.launch shell   the action server and `rasa shell` in this terminal

Settings (environment variables, defaults in DEFAULTS): the ports; where conversations are
stored (TRACKER_STORE_URL, default the SQLite file var/tracker.db) and the lock store
(LOCK_STORE_*; docs/operations.md); ALLOWED_ORIGINS (default: the demo page); LOG_DIR (logs/).
With SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set, the Slack channel is switched on too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from rasa_server.quiet import QUIET_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "advisor.tar.gz"
DEFAULTS = {
    "RASA_PORT": "5005",
    "ACTIONS_HOST": "127.0.0.1",
    "ACTIONS_PORT": "5055",
    "WEB_PORT": "8080",
    "TRACKER_STORE_URL": "sqlite:///var/tracker.db",
    "LOCK_STORE_TYPE": "in_memory",
    "LOCK_STORE_HOST": "localhost",
    "LOCK_STORE_PORT": "6379",
    "LOCK_STORE_PASSWORD": "",
    "LOG_DIR": "logs",
}
# One BLAS/OpenMP thread in every server. A Rasa server handles one message at a time on its event
# loop; with more, numpy's OpenBLAS kept a worker thread spinning at almost a whole core between
# matrix products, so a second instance could not have the second core (docs/performance.md).
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
STARTUP_SECONDS = 300


class LaunchError(RuntimeError):
    """A server did not start: the message says which, and ends with its log."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def environment(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The servers' environment: this process's, quiet, with DEFAULTS for what is unset, one BLAS thread
    (whatever this process has), then `overrides`."""
    env = {**QUIET_ENVIRONMENT, **DEFAULTS, **os.environ, **ONE_BLAS_THREAD, **(overrides or {})}
    env.setdefault("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{env['ACTIONS_PORT']}/webhook")
    return env


def isolated_settings(workdir: Path, actions_port: int) -> dict[str, str]:
    """Settings for servers of their own (tests, benchmark): one instance, conversations in SQLite in `workdir`."""
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


def credentials_file(env: dict[str, str], out_dir: Path) -> Path:
    """credentials.yml, or a copy with the Slack app added when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set.

    The copy holds ${...} placeholders that Rasa fills from the environment, never a secret.
    """
    token, secret = env.get("SLACK_BOT_TOKEN"), env.get("SLACK_SIGNING_SECRET")
    if not token and not secret:
        return ROOT / "credentials.yml"
    if not (token and secret):
        raise LaunchError("Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; only one is set.")
    text = (ROOT / "credentials.yml").read_text() + (ROOT / "credentials-slack.yml").read_text()
    if env.get("SLACK_CHANNEL"):
        # Optional: a channel (id) whose every message the bot answers, besides direct messages and @mentions.
        text += "  slack_channel: ${SLACK_CHANNEL}\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "credentials.yml"
    path.write_text(text)
    return path


def wait_until(ready: Callable[[], object], processes: list[subprocess.Popen], logs: list[Path], what: str) -> None:
    """Polls `ready` until it returns something truthy; raises LaunchError with the logs if a server exits."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                tails = "\n".join(log.read_text()[-3000:] for log in logs if log.exists())
                raise LaunchError(f"a server exited while starting {what}:\n{tails}")
        try:
            if ready():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise LaunchError(f"{what} not ready after {STARTUP_SECONDS} s")


def answers(url: str) -> bool:
    return requests.get(url, timeout=2).ok


@dataclass
class Assistant:
    """One action server, one or more Rasa servers sharing the stores named in `env`, and maybe the demo page."""

    rasa_ports: list[int]
    actions_port: int
    log_dir: Path
    env: dict[str, str]
    credentials: Path
    model: Path = MODEL
    action_server: subprocess.Popen | None = None
    rasa_servers: list[subprocess.Popen] = field(default_factory=list)
    web_port: int | None = None
    web_server: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return self.url(0)

    @property
    def page_url(self) -> str | None:
        return f"http://127.0.0.1:{self.web_port}" if self.web_server else None

    @property
    def processes(self) -> list[subprocess.Popen]:
        return [process for process in (self.action_server, *self.rasa_servers, self.web_server) if process]

    def url(self, instance: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[instance]}"

    def rasa_log(self, instance: int) -> Path:
        return self.log_dir / f"rasa-{instance}.log"

    @property
    def actions_log(self) -> Path:
        return self.log_dir / "actions.log"

    def _spawn(self, command: list[str], log: Path, mode: str = "w") -> subprocess.Popen:
        # A session of its own: Ctrl-C in the terminal reaches the launcher, which stops the servers in order.
        return subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log.open(mode), stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_actions(self) -> None:
        self.action_server = self._spawn([sys.executable, "-m", "actions"], self.actions_log)
        health = f"http://127.0.0.1:{self.actions_port}/health"
        wait_until(lambda: answers(health), [self.action_server], [self.actions_log], "the action server")

    def start_rasa(self, instance: int) -> None:
        """Starts Rasa server `instance` (again) and waits until its channels answer."""
        command = [sys.executable, "-m", "rasa_server", "run", "--model", str(self.model),
                   "--credentials", str(self.credentials), "--endpoints", str(ROOT / "endpoints.yml"),
                   "--port", str(self.rasa_ports[instance])]  # fmt: skip
        process = self._spawn(command, self.rasa_log(instance), mode="a")
        if instance < len(self.rasa_servers):
            self.rasa_servers[instance] = process
        else:
            self.rasa_servers.append(process)
        # /webhooks/rest/ answers once the model is loaded and the channels are up.
        ready = f"{self.url(instance)}/webhooks/rest/"
        wait_until(lambda: answers(ready), [process], [self.rasa_log(instance)], f"Rasa server {instance}")

    def start_web(self) -> None:
        if not (ROOT / "web" / "dist" / "advisor-widget.js").exists():
            raise LaunchError("The widget is not built: run make web")
        log = self.log_dir / "web.log"
        command = [sys.executable, str(ROOT / "tools" / "serve_web.py"), str(self.web_port), self.base]
        self.web_server = self._spawn(command, log)
        page = f"http://127.0.0.1:{self.web_port}/"
        wait_until(lambda: answers(page), [self.web_server], [log], "the web page")

    def kill_rasa(self, instance: int) -> None:
        """Ends Rasa server `instance` with SIGKILL, as a crash or an OOM kill would."""
        self.rasa_servers[instance].kill()
        self.rasa_servers[instance].wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@contextlib.contextmanager
def running_assistant(
    log_dir: Path,
    env: dict[str, str],
    rasa_ports: list[int],
    web_port: int | None = None,
    assistant_class: type[Assistant] = Assistant,
) -> Iterator[Assistant]:
    """Starts the action server, a Rasa server per port and (with `web_port`) the demo page; stops them afterwards.

    `env` is the servers' whole environment (see `environment`). Raises LaunchError if one does not start.
    """
    if not MODEL.exists():
        raise LaunchError("No trained model: run make model")
    log_dir.mkdir(parents=True, exist_ok=True)
    assistant = assistant_class(rasa_ports=rasa_ports, actions_port=int(env["ACTIONS_PORT"]), log_dir=log_dir,
                                env=env, credentials=credentials_file(env, log_dir), web_port=web_port)  # fmt: skip
    try:
        assistant.start_actions()
        for instance in range(len(rasa_ports)):
            assistant.start_rasa(instance)
        if web_port is not None:
            assistant.start_web()
        yield assistant
    finally:
        assistant.stop()


def busy_ports(env: dict[str, str], names: tuple[str, ...]) -> list[str]:
    return [f"{name}={env[name]}" for name in names if port_in_use(int(env[name]))]


def next_free_port(port: int, taken: set[int]) -> int:
    """The first port above `port` that nothing listens on and that is not in `taken`."""
    candidate = port + 1
    while candidate in taken or port_in_use(candidate):
        candidate += 1
    return candidate


def busy_message(command: str, env: dict[str, str], names: tuple[str, ...], busy: list[str]) -> str:
    """Which ports are taken, and the same command on ports that are free now."""
    taken = {int(env[name]) for name in names}
    choices = []
    for name in names:
        port = int(env[name])
        if f"{name}={port}" in busy:
            port = next_free_port(port, taken)
            taken.add(port)
        choices.append(f"{name}={port}")
    return (
        f"Can't start: {' and '.join(busy)} {'is' if len(busy) == 1 else 'are'} in use already"
        " (is `make run` or `make shell` running?).\n"
        f"Stop that first, or choose other ports, for example:  make {command} {' '.join(choices)}"
    )


BANNER = """
The HSST advisor is running.
  Chat in your browser: open  http://localhost:{WEB_PORT}/  and press "Ask the HSST advisor".
  Ask it over REST:
    curl -s localhost:{RASA_PORT}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -d '{{"sender": "me", "message": "Can I skip Part C if I have a PhD?"}}'
  Or chat in a terminal instead: stop this (Ctrl-C) and run  make shell
{slack}Press Ctrl-C to stop."""


def run(env: dict[str, str]) -> int:
    """`make run`: everything, until Ctrl-C or until a server exits."""
    # Browsers may reach the servers from these sites; by default only this demo page.
    env.setdefault("ALLOWED_ORIGINS", f"http://localhost:{env['WEB_PORT']},http://127.0.0.1:{env['WEB_PORT']}")
    log_dir = ROOT / env["LOG_DIR"]
    print(f"Starting the HSST advisor (logs in {env['LOG_DIR']}/)...", flush=True)
    slack = "  Slack is on: events and button clicks go to https://<this host>/webhooks/slack/webhook\n"
    try:
        with running_assistant(log_dir, env, [int(env["RASA_PORT"])], web_port=int(env["WEB_PORT"])) as assistant:
            on = assistant.credentials != ROOT / "credentials.yml"
            print(BANNER.format(slack=slack if on else "", **env), flush=True)
            while all(process.poll() is None for process in assistant.processes):
                time.sleep(0.5)
            print(f"A server exited; see {env['LOG_DIR']}/. Stopping the others.")
            return 1
    except KeyboardInterrupt:
        print("\nStopped.")
        return 0


def shell(env: dict[str, str]) -> int:
    """`make shell`: the action server in the background, `rasa shell` in this terminal."""
    log_dir = ROOT / env["LOG_DIR"]
    log_dir.mkdir(parents=True, exist_ok=True)
    assistant = Assistant([int(env["RASA_PORT"])], int(env["ACTIONS_PORT"]), log_dir, env, ROOT / "credentials.yml")
    try:
        assistant.start_actions()
        print("Loading the assistant (about 30 seconds)... type /stop or press Ctrl-C to leave.", flush=True)
        # `rasa shell` serves the model on RASA_PORT and chats with it; it stays in the foreground to read the terminal.
        command = [sys.executable, "-m", "rasa_server", "shell", "--model", str(MODEL),
                   "--endpoints", str(ROOT / "endpoints.yml"), "--port", env["RASA_PORT"], "--quiet"]  # fmt: skip
        with (log_dir / "shell.log").open("w") as log:
            return subprocess.run(command, cwd=ROOT, env=env, stderr=log).returncode
    except KeyboardInterrupt:
        # Ctrl-C while the assistant loads or answers (at the prompt it ends the chat like /stop,
        # rasa_server/terminal.py): subprocess.run has stopped rasa shell, the action server stops below.
        print("\nStopped.")
        return 0
    finally:
        assistant.stop()


def stop_on_hangup(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    commands = {
        "run": (run, ("RASA_PORT", "ACTIONS_PORT", "WEB_PORT")),
        "shell": (shell, ("RASA_PORT", "ACTIONS_PORT")),
    }
    if len(argv) != 1 or argv[0] not in commands:
        print(__doc__)
        return 2
    command, ports = commands[argv[0]]
    env = environment()
    busy = busy_ports(env, ports)
    if busy:
        print(busy_message(argv[0], env, ports, busy), file=sys.stderr)
        return 1
    (ROOT / "var").mkdir(exist_ok=True)
    # A closed terminal (SIGHUP) stops the servers as Ctrl-C does; by default it would end this process
    # alone and leave the servers, which run in sessions of their own, behind.
    signal.signal(signal.SIGHUP, stop_on_hangup)
    try:
        return command(env)
    except LaunchError as problem:
        print(problem)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
