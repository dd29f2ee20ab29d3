"""Load benchmark (`make bench`): the assistant over REST, with SQLite and PostgreSQL, one and two Rasa
instances, beside plain Rasa (a `rasa init` bot) driven by the same client with the same messages.

For each set-up it starts the servers as `make run` does (tools/launch.py); the plain Rasa bot is
made by `rasa init --no-prompt` (which trains it) in a temporary folder and served by `python -m
rasa run` with Rasa's own SQL tracker store and, for two instances, Rasa's own Redis lock store,
in the launcher's environment. Then it measures:

- cold start: a Rasa server killed and started again, from process start to its first answer;
- latency at one conversation: the conversations in bench/conversations.yml one after another;
- capacity: 50 conversations sending back to back (each message as soon as the last reply
  came) for CAPACITY_SECONDS: messages per second and errors;
- latency under an open-loop load of 20 messages/s: 200 conversations, each sending a message
  every 10 s whatever the replies (as people type), for OPEN_LOOP_SECONDS;
- CPU per message: the CPU time the servers' processes (Rasa servers and action server) used during
  the capacity and the open-loop phases, over the messages answered, read from /proc; and each
  process's busiest threads in the capacity phase;
- peak resident memory (VmHWM) of every Rasa server and of the action server.

With two instances the client alternates instances turn by turn, as a load balancer without
sticky sessions would. An error is a non-200 reply, an empty reply, the "something went
wrong" reply, or no reply within 60 s (for the `rasa init` bot an empty reply is an answer:
it has no fallback and says nothing to much of the mix). Training time is measured once (`rasa
train` into a temporary folder). The report goes to results/bench.md and to the terminal.

Usage: python -m tools.bench.run [--quick] [--setups sqlite-1,rasa-init-sqlite-1] [--no-training]
                                 [--plain-rasa-bot FOLDER]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import requests
import yaml

from tools import launch
from tools.launch import ROOT, Assistant
from tools.stores import lock_store_settings, running_postgres, running_redis, tracker_store_settings

CONVERSATIONS = yaml.safe_load((Path(__file__).parent / "conversations.yml").read_text(encoding="utf-8"))[
    "conversations"
]
FAILURE_TEXT = "something went wrong"
REPLY_TIMEOUT = aiohttp.ClientTimeout(total=60)
PLAIN_RASA = "rasa-init-"  # set-ups named rasa-init-<store>-<instances> run the `rasa init` bot
SETUPS = ["sqlite-1", "sqlite-2", "postgresql-1", "postgresql-2", "rasa-init-sqlite-1", "rasa-init-postgresql-2"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def sent(self) -> int:
        return len(self.latencies) + self.errors

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[round(p) - 1]


def answered(body: list | None, empty_is_an_answer: bool) -> bool:
    """A reply that counts: a list of messages, none the failure text (empty only from a bot that may say nothing)."""
    if not isinstance(body, list) or not (body or empty_is_an_answer):
        return False
    return not any(FAILURE_TEXT in (message.get("text") or "") for message in body)


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str, measured: Measured,
               empty_is_an_answer: bool) -> None:  # fmt: skip
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}, timeout=REPLY_TIMEOUT) as reply:
            body = await reply.json() if reply.status == 200 else None
    except (aiohttp.ClientError, asyncio.TimeoutError):
        body = None
    if answered(body, empty_is_an_answer):
        measured.latencies.append(time.perf_counter() - started)
    else:
        measured.errors += 1


def webhook(assistant: Assistant, turn: int) -> str:
    return f"{assistant.url(turn % len(assistant.rasa_ports))}/webhooks/rest/webhook"


async def closed_loop(assistant: Assistant, conversations: int, seconds: float | None) -> Measured:
    """`conversations` clients, each sending its next message as soon as the reply arrives.

    With `seconds`, they go round the conversation file until the time is up; without, each
    conversation in the file is sent once.
    """
    measured = Measured()
    deadline = None if seconds is None else time.perf_counter() + seconds

    async def client(number: int, session: aiohttp.ClientSession) -> None:
        start = number % len(CONVERSATIONS)  # the clients start at different conversations
        script = itertools.cycle(CONVERSATIONS[start:] + CONVERSATIONS[:start])
        for messages in script if deadline else CONVERSATIONS:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for turn, text in enumerate(messages):
                if deadline and time.perf_counter() >= deadline:
                    return
                await send(session, webhook(assistant, turn), sender, text, measured, is_plain_rasa(assistant))

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(client(number, session) for number in range(conversations)))
    measured.elapsed = time.perf_counter() - started
    return measured


async def open_loop(assistant: Assistant, rate: float, seconds: float) -> Measured:
    """200 conversations, each sending every 10 s (20 messages/s in all), whatever the replies."""
    conversations, interval = round(rate * 10), 10.0
    measured, pending = Measured(), []

    async def client(number: int, session: aiohttp.ClientSession) -> None:
        messages = itertools.cycle(CONVERSATIONS[number % len(CONVERSATIONS)])
        sender = f"bench-open-{uuid.uuid4().hex[:12]}"
        await asyncio.sleep(random.uniform(0, interval))  # people do not all start typing at once
        turn, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            message = send(session, webhook(assistant, turn), sender, next(messages), measured,
                           is_plain_rasa(assistant))  # fmt: skip
            pending.append(asyncio.create_task(message))
            turn += 1
            await asyncio.sleep(interval)

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(client(number, session) for number in range(conversations)))
        await asyncio.gather(*pending)
    measured.elapsed = time.perf_counter() - started
    return measured


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def thread_cpu_seconds(pid: int) -> dict[int, tuple[str, float]]:
    """Each thread of `pid`: its id, name and CPU seconds so far (user + system, /proc/<pid>/task/<tid>/stat)."""
    threads = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended meanwhile
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        # Fields 14 and 15 of stat(5), utime and stime; `fields` starts at field 3.
        threads[int(task.name)] = (name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return threads


@dataclass
class CpuUse:
    """CPU seconds per thread of each server process during one phase, by process label."""

    threads: dict[str, list[tuple[str, float]]]

    @property
    def total(self) -> float:
        return sum(seconds for threads in self.threads.values() for _, seconds in threads)

    def busiest(self, label: str, count: int = 3) -> str:
        threads = sorted(self.threads[label], key=lambda thread: -thread[1])
        return ", ".join(f"{name} {seconds:.1f}" for name, seconds in threads[:count] if seconds >= 0.05) or "idle"


def server_processes(assistant: Assistant) -> dict[str, int]:
    processes = {f"Rasa {number}": process.pid for number, process in enumerate(assistant.rasa_servers)}
    if assistant.action_server is not None:
        processes["actions"] = assistant.action_server.pid
    return processes


def cpu_during(assistant: Assistant, phase: Coroutine) -> tuple[Measured, CpuUse]:
    """Runs `phase`, and what each server thread spent meanwhile (its main thread named "main")."""
    processes = server_processes(assistant)
    before = {label: thread_cpu_seconds(pid) for label, pid in processes.items()}
    measured = asyncio.run(phase)
    use = {}
    for label, pid in processes.items():
        after = thread_cpu_seconds(pid)
        use[label] = [("main" if tid == pid else f"{name}[{tid}]", seconds - before[label].get(tid, ("", 0.0))[1])
                      for tid, (name, seconds) in after.items()]  # fmt: skip
    return measured, CpuUse(use)


def cold_start(assistant: Assistant) -> float:
    """Rasa server 0 killed and started again: seconds from process start to its first answer."""
    assistant.kill_rasa(0)
    started = time.perf_counter()
    assistant.start_rasa(0)
    body = {"sender": f"bench-{uuid.uuid4().hex[:12]}", "message": "What is HSST?"}
    requests.post(webhook(assistant, 0), json=body, timeout=60).raise_for_status()
    return time.perf_counter() - started


def is_plain_rasa(assistant: Assistant) -> bool:
    return isinstance(assistant, PlainRasa)


@dataclass
class PlainRasa(Assistant):
    """The `rasa init` bot: `python -m rasa run` in its folder `bot`, with its own endpoints.yml; no action server."""

    bot: Path | None = None

    def start_actions(self) -> None:
        """The `rasa init` bot has no custom actions."""

    def start_rasa(self, instance: int) -> None:
        command = [sys.executable, "-m", "rasa", "run", "--model", str(self.bot / "models"), "--credentials",
                   str(self.bot / "credentials.yml"), "--endpoints", str(self.bot / "bench-endpoints.yml"),
                   "--port", str(self.rasa_ports[instance])]  # fmt: skip
        log = self.rasa_log(instance)
        process = subprocess.Popen(command, cwd=self.bot, env=self.env, stdout=log.open("a"), stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        if instance < len(self.rasa_servers):
            self.rasa_servers[instance] = process
        else:
            self.rasa_servers.append(process)
        ready = f"{self.url(instance)}/webhooks/rest/"
        launch.wait_until(lambda: launch.answers(ready), [process], [log], f"plain Rasa server {instance}")


def make_plain_rasa_bot(folder: Path) -> float:
    """`rasa init --no-prompt` (which also trains its model) in `folder`; returns the seconds it took."""
    folder.mkdir(parents=True, exist_ok=True)
    started_at = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)], cwd=folder,
                   env=launch.environment(), check=True, capture_output=True, stdin=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started_at


def plain_rasa_endpoints(env: dict[str, str]) -> str:
    """The stores of `env`, as Rasa's own `sql` tracker store and `redis` (or in-memory) lock store read them."""
    endpoints = {"tracker_store": {"type": "sql", "url": env["TRACKER_STORE_URL"]}}
    if env["LOCK_STORE_TYPE"] == "in_memory":
        endpoints["lock_store"] = {"type": "in_memory"}
    else:
        endpoints["lock_store"] = {"type": "redis", "url": env["LOCK_STORE_HOST"], "port": env["LOCK_STORE_PORT"],
                                   "password": env["LOCK_STORE_PASSWORD"], "db": 1}  # fmt: skip
    return yaml.safe_dump(endpoints)


@contextlib.contextmanager
def started(setup: str, workdir: Path, plain_rasa_bot: Path | None) -> Iterator[Assistant]:
    plain = setup.startswith(PLAIN_RASA)
    store, instances = setup.removeprefix(PLAIN_RASA).split("-")
    with contextlib.ExitStack() as stack:
        env = launch.isolated_settings(workdir, launch.free_port())
        if store == "postgresql":
            # The setting docs/operations.md recommends for the conversations database.
            url = stack.enter_context(running_postgres("bench", {"synchronous_commit": "off"}))
            env.update(tracker_store_settings(url, "bench"))
        if int(instances) > 1:
            env.update(lock_store_settings(stack.enter_context(running_redis("bench")), "bench"))
        env = launch.environment(env)
        assistant_class = Assistant
        if plain:
            (plain_rasa_bot / "bench-endpoints.yml").write_text(plain_rasa_endpoints(env))
            assistant_class = functools.partial(PlainRasa, bot=plain_rasa_bot)
        ports = [launch.free_port() for _ in range(int(instances))]
        yield stack.enter_context(launch.running_assistant(workdir, env, ports, assistant_class=assistant_class))


def measure(setup: str, capacity_seconds: float, open_loop_seconds: float, plain_rasa_bot: Path | None) -> dict:
    with (
        tempfile.TemporaryDirectory(prefix="advisor-bench-") as workdir,
        started(setup, Path(workdir), plain_rasa_bot) as assistant,
    ):
        print(f"[{setup}] cold start...", flush=True)
        cold = cold_start(assistant)
        print(f"[{setup}] one conversation at a time...", flush=True)
        single = asyncio.run(closed_loop(assistant, conversations=1, seconds=None))
        print(f"[{setup}] capacity: 50 conversations back to back for {capacity_seconds:g} s...", flush=True)
        back_to_back = closed_loop(assistant, conversations=50, seconds=capacity_seconds)
        capacity, capacity_cpu = cpu_during(assistant, back_to_back)
        print(f"[{setup}] open loop: 20 messages/s for {open_loop_seconds:g} s...", flush=True)
        offered, offered_cpu = cpu_during(assistant, open_loop(assistant, rate=20, seconds=open_loop_seconds))
        return {
            "setup": setup,
            "cold": cold,
            "single": single,
            "capacity": capacity,
            "capacity_cpu": capacity_cpu,
            "open": offered,
            "open_cpu": offered_cpu,
            "rasa_rss": [peak_rss_mb(process.pid) for process in assistant.rasa_servers],
            "actions_rss": peak_rss_mb(assistant.action_server.pid) if assistant.action_server else None,
        }


def training_seconds() -> float:
    with tempfile.TemporaryDirectory(prefix="advisor-train-") as out:
        started_at = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "rasa_server", "train", "--out", out, "--fixed-model-name", "bench"],
            cwd=ROOT,
            env={**os.environ, "RASA_MAX_CACHE_SIZE": "0"},
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started_at


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def capacity(result: dict) -> float:
    measured = result["capacity"]
    return len(measured.latencies) / measured.elapsed


def cpu_per_message(measured: Measured, use: CpuUse) -> str:
    return ms(use.total / len(measured.latencies)) if measured.latencies else "–"


def times_plain_rasa(result: dict, results: list[dict]) -> str:
    """This set-up's capacity over the `rasa init` bot's with the same store and instances, in this run."""
    plain = [r for r in results if r["setup"] == PLAIN_RASA + result["setup"]]
    return f"{capacity(result) / capacity(plain[0]):.2f}×" if plain else ""


def report(results: list[dict], training: float | None, plain_rasa_seconds: float | None) -> str:
    lines = [
        "| set-up | capacity, 50 back to back (msgs/s) | × the rasa init bot | errors "
        "| CPU per message, capacity / 20 msgs/s (ms) | 1 conversation p50 / p95 / p99 (ms) "
        "| 20 msgs/s offered p50 / p95 / p99 (ms) | errors | peak RSS Rasa (MB) "
        "| peak RSS actions (MB) | cold start (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        single, measured, offered = r["single"], r["capacity"], r["open"]
        actions = "–" if r["actions_rss"] is None else f"{r['actions_rss']:.0f}"
        lines.append(
            f"| {r['setup']} | {capacity(r):.1f} | {times_plain_rasa(r, results)} "
            f"| {measured.errors} of {measured.sent} "
            f"| {cpu_per_message(measured, r['capacity_cpu'])} / {cpu_per_message(offered, r['open_cpu'])} "
            f"| {ms(single.percentile(50))} / {ms(single.percentile(95))} / {ms(single.percentile(99))} "
            f"| {ms(offered.percentile(50))} / {ms(offered.percentile(95))} / {ms(offered.percentile(99))} "
            f"| {offered.errors} of {offered.sent} "
            f"| {' + '.join(f'{mb:.0f}' for mb in r['rasa_rss'])} | {actions} | {r['cold']:.1f} |"
        )
    lines += [
        "",
        "CPU seconds of each server's busiest threads during the capacity phase (main = the event loop):",
        "",
        "| set-up | process | threads (CPU s) | whole process (CPU s) |",
        "|---|---|---|---|",
    ]
    for r in results:
        use = r["capacity_cpu"]
        for label, threads in use.threads.items():
            total = sum(seconds for _, seconds in threads)
            lines.append(f"| {r['setup']} | {label} | {use.busiest(label)} | {total:.1f} |")
    if training is not None:
        lines.append(f"\nTraining time (`rasa train`, from scratch): {training:.0f} s.")
    if plain_rasa_seconds is not None:
        lines.append(f"The rasa init bot: `rasa init --no-prompt`, training included, {plain_rasa_seconds:.0f} s.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default=",".join(SETUPS), help=f"comma-separated, from {SETUPS}")
    parser.add_argument("--quick", action="store_true", help="a smoke test: 10 s phases instead of 30 s and 60 s")
    parser.add_argument("--no-training", action="store_true", help="skip measuring the training time")
    parser.add_argument("--plain-rasa-bot", type=Path, help="a folder an earlier `rasa init --no-prompt` made, reused")
    args = parser.parse_args()
    capacity_seconds, open_loop_seconds = (10, 10) if args.quick else (30, 60)
    setups = args.setups.split(",")
    unknown = set(setups) - set(SETUPS)
    if unknown:
        parser.error(f"unknown set-ups {sorted(unknown)}; choose from {SETUPS}")
    with tempfile.TemporaryDirectory(prefix="rasa-init-bench-") as folder:
        plain_rasa_bot, plain_rasa_seconds = args.plain_rasa_bot, None
        if plain_rasa_bot is None and any(setup.startswith(PLAIN_RASA) for setup in setups):
            print("Making the plain Rasa bot (rasa init, with its training: a few minutes)...", flush=True)
            plain_rasa_bot = Path(folder) / "bot"
            plain_rasa_seconds = make_plain_rasa_bot(plain_rasa_bot)
        results = [measure(setup, capacity_seconds, open_loop_seconds, plain_rasa_bot) for setup in setups]
    training = None if args.no_training else training_seconds()
    text = report(results, training, plain_rasa_seconds)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "bench.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
