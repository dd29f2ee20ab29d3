"""`make report` on tracker stores with known conversations (SQLite and PostgreSQL): exact counts, questions
grouped by meaning, no personal data in what it writes, and overdue answers marked "due for review"."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest

from actions.wiring import CONTENT, ROUTE_CONTENT
from advisor.review import review_items
from rasa_server.tracker_store import SQLTrackerStore
from tests.conftest import ROOT
from tools import report
from tools.report_bench import Conversation, write
from tools.stores import running_shared_stores

NOW = time.time()
DAY = 86400
EMAIL, PHONE, NHS_NUMBER = "jo.bloggs@example.com", "07700 900123", "943 476 5919"
PERSONAL = (EMAIL, PHONE, NHS_NUMBER, "9434765919")
# Two meanings, each worded three ways; personal data seeded in one wording of each and in a comment.
PARKING = ["is there parking at the hospital?", "Is there car parking at the hospital?",
           f"my email is {EMAIL}, is there parking at the hospital?"]  # fmt: skip
WEATHER = ["what is the weather in Leeds tomorrow", "what's the weather like in Leeds tomorrow?",
           f"call me on {PHONE}, what is the weather in Leeds tomorrow"]  # fmt: skip


def known_conversations(now: float) -> list[Conversation]:
    one = Conversation("known-1", now - 2 * DAY)
    one.answered(CONTENT, "hsse.fee", helpful=True)
    one.answered(CONTENT, "ask_hsse", helpful=False, comment=f"nothing on deadlines, my NHS number is {NHS_NUMBER}")
    one.unanswered(CONTENT, PARKING[0], "fallback_intro")
    one.unanswered(CONTENT, WEATHER[0], "out_of_scope_reply")
    two = Conversation("known-2", now - 3 * DAY)
    two.answered(CONTENT, "hsse.fee", helpful=False)
    two.unanswered(CONTENT, PARKING[1], "did_you_mean_intro")
    two.unanswered(CONTENT, PARKING[2], "fallback_intro")
    two.unanswered(CONTENT, WEATHER[1], "out_of_scope_reply")
    two.route_check(CONTENT, [("registration", "clinical_scientist"), ("specialism", "MRI")], reached=True)
    two.feedback(CONTENT, "route_advice", helpful=True)
    three = Conversation("known-3", now - 4 * DAY)
    three.unanswered(CONTENT, WEATHER[2], "lost_track_intro")
    three.route_check(CONTENT, [("registration", "clinical_scientist")], reached=False, stop_at="specialism")
    three.route_check(CONTENT, [], reached=False, stop_at="registration")
    old = Conversation("known-old", now - 45 * DAY)  # before the 30 days: not counted
    old.unanswered(CONTENT, "an old question about parking at the hospital", "fallback_intro")
    old.answered(CONTENT, "hsse.fee", helpful=False)
    return [one, two, three, old]


def filled(store, now: float = NOW):
    write(store, known_conversations(now))
    return store


def check_known_counts(built: report.Report) -> None:
    tally = built.tally
    assert tally.conversations == 3
    # Grouped by meaning: three parking wordings, three weather wordings; what each got.
    groups = {group.examples[0]: group for group in built.groups}
    assert sorted(group.count for group in built.groups) == [3, 3]
    parking = next(group for group in built.groups if "parking" in group.examples[0])
    assert parking.kinds == {"topic list": 2, "did you mean": 1}
    weather = next(group for group in built.groups if "weather" in group.examples[0])
    assert weather.kinds == {"declined": 2, "topic list": 1}
    assert len(groups) == 2
    # Answers by use, with their feedback.
    assert built.answers_by_use() == [("hsse.fee", 2, 1, 1), ("ask_hsse", 1, 0, 1), ("route_advice", 1, 1, 0)]
    assert dict(tally.comments) == {"ask_hsse": {"nothing on deadlines, my NHS number is [NHS number]": 1}}
    # The funnel: three checks started, one reached the advice, two stopped.
    assert tally.started == 3 and tally.reached_advice == 1
    assert built.funnel() == [("registration", 3, 2), ("specialism", 2, 1)]
    assert tally.stopped_at == {"specialism": 1, "registration": 1}


def test_the_report_finds_the_known_counts_in_sqlite(tmp_path):
    store = filled(SQLTrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}"))
    check_known_counts(report.build_report(store, 30, ROOT / "content", report.encoder_embed(), NOW))


def test_a_longer_period_takes_in_the_older_conversation(tmp_path):
    store = filled(SQLTrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}"))
    built = report.build_report(store, 60, ROOT / "content", report.encoder_embed(), NOW)
    assert built.tally.conversations == 4
    assert built.answers_by_use()[0] == ("hsse.fee", 3, 1, 2)


def run_report(tmp_path, env: dict, *options: str) -> subprocess.CompletedProcess:
    out = tmp_path / "results"
    run = subprocess.run(
        [sys.executable, "-m", "tools.report", "--out", str(out), *options],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def written(tmp_path) -> tuple[str, str]:
    out = tmp_path / "results"
    return (out / "report.html").read_text(encoding="utf-8"), (out / "report.md").read_text(encoding="utf-8")


def check_outputs(page: str, twin: str) -> None:
    for text in (page, twin):
        assert not [seeded for seeded in PERSONAL if seeded in text]
        assert "[e-mail address]" in text and "[phone number]" in text and "[NHS number]" in text
        assert "What is the HSSE fee?" in text and "parking at the hospital" in text
    assert (
        page.count("<svg") == 2
        and "<script" not in page
        and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_make_report_reads_sqlite_from_endpoints_and_writes_the_page_and_its_twin(tmp_path):
    store_file = tmp_path / "tracker.db"
    filled(SQLTrackerStore(host=f"sqlite:///{store_file}"))
    run = run_report(tmp_path, {"TRACKER_STORE_URL": f"sqlite:///{store_file}"})
    assert run.stdout.startswith("3 conversations read in ")
    check_outputs(*written(tmp_path))


def test_make_report_reads_postgresql_when_tracker_store_url_says_so(tmp_path):
    with running_shared_stores() as env:
        password = env["PGPASSWORD"]
        url = env["TRACKER_STORE_URL"].replace("rasa@", f"rasa:{password}@")
        store = filled(SQLTrackerStore(host=url))
        check_known_counts(report.build_report(store, 30, ROOT / "content", report.encoder_embed(), NOW))
        store.engine.dispose()
        run = run_report(tmp_path, env)
        assert run.stdout.startswith("3 conversations read in ")
        check_outputs(*written(tmp_path))


def test_overdue_answers_show_due_for_review_in_the_report(tmp_path):
    later = max(item.due for item in review_items(CONTENT, ROUTE_CONTENT)) + dt.timedelta(days=1)
    now = time.mktime(later.timetuple()) + 12 * 3600
    store = filled(SQLTrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}"), now)
    built = report.build_report(store, 30, ROOT / "content", report.encoder_embed(), now)
    assert len(built.overdue) == len(review_items(CONTENT, ROUTE_CONTENT))
    page, twin = report.write_report(built, tmp_path / "results")
    for text in (page.read_text(encoding="utf-8"), twin.read_text(encoding="utf-8")):
        assert "(due for review)" in text and "hsse.fee" in text.split("Due for review")[-1]


def test_an_empty_period_gives_a_report_that_says_so(tmp_path):
    store = SQLTrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}")
    built = report.build_report(store, 30, ROOT / "content", lambda text: pytest.fail("nothing to embed"), NOW)
    text = report.markdown(built)
    assert "None in this period." in text and "No answers were given in this period." in text
