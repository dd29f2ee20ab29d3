"""Throwaway Redis and PostgreSQL servers on free loopback ports, for the end-to-end tests and the benchmark."""

from __future__ import annotations

import contextlib
import functools
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from tools.launch import free_port, port_in_use, wait_until


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
        wait_until(lambda: port_in_use(port), [process], [], "Redis")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


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


def tracker_store_settings(url: str, password: str) -> dict[str, str]:
    """The environment endpoints.yml reads for a PostgreSQL tracker store."""
    return {"TRACKER_STORE_URL": url, "PGPASSWORD": password}


def lock_store_settings(port: int, password: str) -> dict[str, str]:
    """The environment endpoints.yml reads for the Redis lock store several instances share."""
    return {"LOCK_STORE_TYPE": "rasa_server.lock_store.RedisLockStore", "LOCK_STORE_HOST": "127.0.0.1",
            "LOCK_STORE_PORT": str(port), "LOCK_STORE_PASSWORD": password}  # fmt: skip


@contextlib.contextmanager
def running_shared_stores() -> Iterator[dict[str, str]]:
    """PostgreSQL and Redis with random passwords, as several instances share them; yields their environment."""
    postgres_password, redis_password = uuid.uuid4().hex, uuid.uuid4().hex
    with running_postgres(postgres_password) as postgres_url, running_redis(redis_password) as redis_port:
        yield {
            **tracker_store_settings(postgres_url, postgres_password),
            **lock_store_settings(redis_port, redis_password),
        }
