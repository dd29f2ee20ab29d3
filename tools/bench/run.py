"""Load benchmark (`make bench`): the assistant over REST, with SQLite and PostgreSQL, one and two Rasa instances.

For each set-up it starts the servers as `make run` does (tools/launch.py), then measures:

- cold start: a Rasa server killed and started again, from process start to its first answer;
- latency at one conversation: the conversations in bench/conversations.yml one after another;
- capacity: 50 conversations sending back to back (each message as soon as the last reply
  came) for CAPACITY_SECONDS: messages per second and errors;
- latency under an open-loop load of 20 messages/s: 200 conversations, each sending a message
  every 10 s whatever the replies (as people type), for OPEN_LOOP_SECONDS;
- peak resident memory (VmHWM) of every Rasa server and of the action server.

With two instances the client alternates instances turn by turn, as a load balancer without
sticky sessions would. An error is a non-200 reply, an empty reply, the "something went
wrong" reply, or no reply within 60 s. Training time is measured once (`rasa train` into a
temporary folder). The report goes to results/bench.md and to the terminal.

Usage: python -m tools.bench.run [--quick] [--setups sqlite-1,postgresql-2] [--no-training]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import requests
import yaml

from tools import launch
from tools.launch import ROOT, Assistant
from tools.stores import running_postgres, running_redis

CONVERSATIONS = yaml.safe_load((Path(__file__).parent / "conversations.yml").read_text(encoding="utf-8"))[
    "conversations"
]
FAILURE_TEXT = "something went wrong"
REPLY_TIMEOUT = aiohttp.ClientTimeout(total=60)
SETUPS = ["sqlite-1", "sqlite-2", "postgresql-1", "postgresql-2"]


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


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str, measured: Measured) -> None:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}, timeout=REPLY_TIMEOUT) as reply:
            body = await reply.json() if reply.status == 200 else None
    except (aiohttp.ClientError, asyncio.TimeoutError):
        body = None
    ok = bool(body) and not any(FAILURE_TEXT in (message.get("text") or "") for message in body)
    if ok:
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
                await send(session, webhook(assistant, turn), sender, text, measured)

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
            message = send(session, webhook(assistant, turn), sender, next(messages), measured)
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


def cold_start(assistant: Assistant) -> float:
    """Rasa server 0 killed and started again: seconds from process start to its first answer."""
    assistant.kill_rasa(0)
    started = time.perf_counter()
    assistant.start_rasa(0)
    body = {"sender": f"bench-{uuid.uuid4().hex[:12]}", "message": "What is HSST?"}
    requests.post(webhook(assistant, 0), json=body, timeout=60).raise_for_status()
    return time.perf_counter() - started


@contextlib.contextmanager
def started(setup: str, workdir: Path) -> Iterator[Assistant]:
    store, instances = setup.split("-")
    with contextlib.ExitStack() as stack:
        env = launch.isolated_settings(workdir, launch.free_port())
        if store == "postgresql":
            # The setting docs/operations.md recommends for the conversations database.
            url = stack.enter_context(running_postgres("bench", {"synchronous_commit": "off"}))
            env.update(TRACKER_STORE_URL=url, PGPASSWORD="bench")
        if int(instances) > 1:
            port = stack.enter_context(running_redis("bench"))
            env.update(LOCK_STORE_TYPE="rasa_server.lock_store.RedisLockStore", LOCK_STORE_HOST="127.0.0.1",
                       LOCK_STORE_PORT=str(port), LOCK_STORE_PASSWORD="bench")  # fmt: skip
        ports = [launch.free_port() for _ in range(int(instances))]
        yield stack.enter_context(launch.running_assistant(workdir, launch.environment(env), ports))


def measure(setup: str, capacity_seconds: float, open_loop_seconds: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as workdir, started(setup, Path(workdir)) as assistant:
        print(f"[{setup}] cold start...", flush=True)
        cold = cold_start(assistant)
        print(f"[{setup}] one conversation at a time...", flush=True)
        single = asyncio.run(closed_loop(assistant, conversations=1, seconds=None))
        print(f"[{setup}] capacity: 50 conversations back to back for {capacity_seconds:g} s...", flush=True)
        capacity = asyncio.run(closed_loop(assistant, conversations=50, seconds=capacity_seconds))
        print(f"[{setup}] open loop: 20 messages/s for {open_loop_seconds:g} s...", flush=True)
        offered = asyncio.run(open_loop(assistant, rate=20, seconds=open_loop_seconds))
        return {
            "setup": setup,
            "cold": cold,
            "single": single,
            "capacity": capacity,
            "open": offered,
            "rasa_rss": [peak_rss_mb(process.pid) for process in assistant.rasa_servers],
            "actions_rss": peak_rss_mb(assistant.action_server.pid),
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


def report(results: list[dict], training: float | None) -> str:
    lines = [
        "| set-up | capacity, 50 back to back (msgs/s) | errors | 1 conversation p50 / p95 / p99 (ms) "
        "| 20 msgs/s offered p50 / p95 / p99 (ms) | errors | peak RSS Rasa (MB) "
        "| peak RSS actions (MB) | cold start (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        single, capacity, offered = r["single"], r["capacity"], r["open"]
        lines.append(
            f"| {r['setup']} | {len(capacity.latencies) / capacity.elapsed:.1f} | {capacity.errors} of {capacity.sent} "
            f"| {ms(single.percentile(50))} / {ms(single.percentile(95))} / {ms(single.percentile(99))} "
            f"| {ms(offered.percentile(50))} / {ms(offered.percentile(95))} / {ms(offered.percentile(99))} "
            f"| {offered.errors} of {offered.sent} "
            f"| {' + '.join(f'{mb:.0f}' for mb in r['rasa_rss'])} | {r['actions_rss']:.0f} | {r['cold']:.1f} |"
        )
    if training is not None:
        lines.append(f"\nTraining time (`rasa train`, from scratch): {training:.0f} s.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default=",".join(SETUPS), help=f"comma-separated, from {SETUPS}")
    parser.add_argument("--quick", action="store_true", help="10 s phases instead of 30 s and 60 s")
    parser.add_argument("--no-training", action="store_true", help="skip measuring the training time")
    args = parser.parse_args()
    capacity_seconds, open_loop_seconds = (10, 10) if args.quick else (30, 60)
    results = [measure(setup, capacity_seconds, open_loop_seconds) for setup in args.setups.split(",")]
    training = None if args.no_training else training_seconds()
    text = report(results, training)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "bench.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
