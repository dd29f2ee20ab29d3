"""`make shell` in a pseudo-terminal, as a person uses it: ask, read a sourced answer, press its button,
leave; nothing is left."""

import os
import socket
from pathlib import Path

import pexpect
import pytest

from actions.wiring import ROUTE_CONTENT
from tests.conftest import ROOT
from tools.launch import STARTUP_SECONDS, free_port

PART_C_URL = "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/"
PROMPT = "Your input ->"
# rasa shell shows buttons as a menu (arrow keys, Enter) whose last entry lets you type instead.
TYPE_INSTEAD = "Type out your own message..."
DOWN = "\x1b[B"


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def processes_serving(port: int) -> list[str]:
    """Command lines of running processes started with `--port <port>`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:  # the process ended while we looked
            continue
        if any(a == b"--port" and b == str(port).encode() for a, b in zip(args, args[1:], strict=False)):
            found.append(" ".join(arg.decode(errors="replace") for arg in args))
    return found


@pytest.mark.parametrize("leave", ["/stop", "Ctrl-C"])
def test_make_shell_answers_with_sources_and_stops_both_servers(tmp_path, leave):
    rasa_port, actions_port = free_port(), free_port()
    # Conversations go to a file of the test's own, not the developer's var/tracker.db.
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port), "LOG_DIR": str(tmp_path),
           "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}"}  # fmt: skip
    env.pop("ACTION_ENDPOINT_URL", None)
    shell = pexpect.spawn(
        "make", ["--no-print-directory", "shell"], cwd=ROOT, env=env, encoding="utf-8", timeout=STARTUP_SECONDS,
        dimensions=(40, 200),
    )  # fmt: skip
    try:
        shell.expect_exact(PROMPT)
        assert listening(rasa_port) and listening(actions_port)

        shell.sendline("Can I skip Part C if I have a PhD?")
        shell.expect_exact(PART_C_URL, timeout=120)
        # The answer ends with a "Check which route fits me" button: Enter presses it.
        shell.expect_exact(TYPE_INSTEAD, timeout=120)
        shell.send("\r")
        question = ROUTE_CONTENT.questions["registration"]
        shell.expect_exact(question.text, timeout=120)
        shell.expect_exact(TYPE_INSTEAD, timeout=120)
        # Past the question's buttons to "type instead", then the ordinary prompt.
        shell.send(DOWN * len(question.buttons) + "\r")
        shell.expect_exact(PROMPT, timeout=120)
        if leave == "/stop":
            shell.sendline("/stop")
        else:
            shell.sendintr()
        shell.expect(pexpect.EOF, timeout=120)
    finally:
        shell.close(force=True)
        log = "\n".join(p.read_text()[-2000:] for p in tmp_path.glob("*.log"))
    if leave == "/stop":
        assert shell.exitstatus == 0, log
    assert not listening(rasa_port) and not listening(actions_port), log
    assert processes_serving(rasa_port) == [] and processes_serving(actions_port) == [], log
