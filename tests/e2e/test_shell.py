"""`make shell` in an 80-column pseudo-terminal, as a person uses it: ask, read a sourced answer wrapped to
the width, press its button, type an answer while a question's buttons are showing, leave with /stop or
Ctrl-C in the menu; nothing is left running. And `make shell` beside a busy port says which and what to do."""

import json
import os
import re
import socket
import sqlite3
from pathlib import Path

import pexpect
import pytest

from actions.wiring import CONTENT, ROUTE_CONTENT
from advisor.render import links_as_plain, render_question_answer
from rasa_server.terminal import BUTTON_HINT, PROMPT
from tests.conftest import ROOT
from tools.launch import STARTUP_SECONDS, free_port

COLUMNS = 80
DOWN = "\x1b[B"
# Terminal control sequences (colours, cursor moves) that prompt_toolkit writes around the prompt.
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")
TYPED_ANSWER = "I'm registered with the HCPC as a clinical scientist"


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


def words(text: str) -> str:
    return " ".join(text.split())


def user_texts(tracker_db: Path) -> list[str]:
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute("SELECT data FROM events WHERE type_name = 'user' ORDER BY id").fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def make_shell(env: dict[str, str]) -> pexpect.spawn:
    return pexpect.spawn("make", ["--no-print-directory", "shell"], cwd=ROOT, env=env, encoding="utf-8",
                         timeout=STARTUP_SECONDS, dimensions=(40, COLUMNS))  # fmt: skip


@pytest.mark.parametrize("leave", ["/stop", "Ctrl-C in a menu"])
def test_make_shell_wraps_answers_takes_typed_text_as_typed_and_stops_both_servers(tmp_path, leave):
    rasa_port, actions_port = free_port(), free_port()
    # Conversations go to a file of the test's own, not the developer's var/tracker.db.
    tracker_db = tmp_path / "tracker.db"
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port), "LOG_DIR": str(tmp_path),
           "TRACKER_STORE_URL": f"sqlite:///{tracker_db}"}  # fmt: skip
    env.pop("ACTION_ENDPOINT_URL", None)
    env.pop("COLUMNS", None)
    shell = make_shell(env)
    try:
        shell.expect_exact(PROMPT.strip())
        assert listening(rasa_port) and listening(actions_port)

        shell.sendline("Can I skip Part C if I have a PhD?")
        # The answer ends with a "Check which route fits me" button, listed under it with the hint.
        shell.expect_exact(BUTTON_HINT[:40], timeout=120)
        # A question in words gets its question-level answer (content/questions/part_c_exemption.yml).
        answer = render_question_answer(CONTENT.questions["exemption.can_i"], CONTENT)
        # From the answer on: the echo of the typed line before it is prompt_toolkit's redrawing.
        shown = CONTROL.sub("", shell.before)
        shown = shown[shown.index(answer[:30]) :]
        assert words(links_as_plain(answer)) in words(shown), shown
        for line in shown.split("\n"):
            assert len(line) <= COLUMNS or line.strip().startswith("https://"), f"not wrapped: {line!r}"
        assert f"[{CONTENT.interface['route_check_button']}]" in shown
        # The feedback buttons come last, as the buttons rasa shell lists.
        helpful, not_helpful = (f"[{CONTENT.interface[key]}]" for key in ("helpful_button", "not_helpful_button"))
        assert shown.index(CONTENT.interface["route_check_button"]) < shown.index(helpful) < shown.index(not_helpful)

        # ↓ puts a button's title in the box ("More on …" first, then the route check); Enter presses it.
        shell.send(DOWN + DOWN + "\r")
        question = ROUTE_CONTENT.questions["registration"]
        shell.expect_exact(question.text, timeout=120)
        shell.expect_exact(BUTTON_HINT[:40], timeout=120)
        # Typed while the question's buttons show: sent as typed, not as the first or highlighted button.
        shell.sendline(TYPED_ANSWER)
        shell.expect_exact(BUTTON_HINT[:40], timeout=120)
        shell.expect_exact(PROMPT.strip(), timeout=120)
        if leave == "/stop":
            shell.sendline("/stop")
        else:
            shell.sendintr()
        shell.expect(pexpect.EOF, timeout=120)
    finally:
        shell.close(force=True)
        log = "\n".join(p.read_text()[-2000:] for p in tmp_path.glob("*.log"))
    assert shell.exitstatus == 0, log
    assert "Traceback" not in shell.before, shell.before
    assert not listening(rasa_port) and not listening(actions_port), log
    assert processes_serving(rasa_port) == [] and processes_serving(actions_port) == [], log
    texts = user_texts(tracker_db)
    assert texts[:3] == ["Can I skip Part C if I have a PhD?", "/ask_route_advice", TYPED_ANSWER], texts


def test_ctrl_c_while_an_answer_is_on_its_way_stops_both_servers(tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port), "LOG_DIR": str(tmp_path),
           "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}"}  # fmt: skip
    env.pop("ACTION_ENDPOINT_URL", None)
    shell = make_shell(env)
    try:
        shell.expect_exact(PROMPT.strip())
        shell.sendline("Can I skip Part C if I have a PhD?")
        shell.sendintr()
        shell.expect(pexpect.EOF, timeout=120)
    finally:
        shell.close(force=True)
        log = "\n".join(p.read_text()[-2000:] for p in tmp_path.glob("*.log"))
    # Whether the interrupt lands while the answer is computed or at the prompt after it (the answer may
    # be quick), nothing may be left running. (make, interrupted too, may end by the signal.)
    assert not listening(rasa_port) and not listening(actions_port), log
    assert processes_serving(rasa_port) == [] and processes_serving(actions_port) == [], log


def test_make_shell_beside_a_running_assistant_names_the_busy_port_and_free_ones(tmp_path):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        env = {**os.environ, "RASA_PORT": str(busy), "ACTIONS_PORT": str(free_port()), "LOG_DIR": str(tmp_path)}
        shell = make_shell(env)
        shell.expect(pexpect.EOF, timeout=120)
        shell.close()
    output = CONTROL.sub("", shell.before)
    assert f"RASA_PORT={busy} is in use already" in output, output
    assert re.search(r"make shell RASA_PORT=\d+ ACTIONS_PORT=\d+", output), output
    assert shell.exitstatus != 0
