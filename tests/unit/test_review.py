"""Review-by dates: which answers and advice texts are due (advisor/review.py), `make content-status`
(tools/content_status.py) and the action server's start-up log. Dates are moved, never the calendar."""

import datetime as dt
import logging
import shutil
import subprocess
import sys

import yaml

from actions import wiring
from actions.wiring import CONTENT, ROUTE_CONTENT
from advisor.faq_content import load_content
from advisor.render import render_advice
from advisor.review import overdue_items, review_items
from advisor.route.content import load_route_content
from advisor.route.profile import Profile
from advisor.route.rules import advise
from tests.conftest import CONTENT_DIR, ROOT


def test_every_answer_topic_page_and_advice_text_has_a_review_by_date():
    items = review_items(CONTENT, ROUTE_CONTENT)
    assert len(items) == len(CONTENT.questions) + len(CONTENT.answers) + len(ROUTE_CONTENT.advice)
    assert [item.due for item in items] == sorted(item.due for item in items)
    assert all(item.due > item.last_reviewed for item in items)


def test_nothing_is_due_on_its_last_review_day_and_everything_is_a_day_after_its_due_date():
    items = review_items(CONTENT, ROUTE_CONTENT)
    latest_due = max(item.due for item in items)
    assert overdue_items(CONTENT, ROUTE_CONTENT, min(item.due for item in items)) == []
    assert len(overdue_items(CONTENT, ROUTE_CONTENT, latest_due + dt.timedelta(days=1))) == len(items)


def test_an_advice_text_may_have_its_own_review_date_and_period(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    path = directory / "route_advice.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["recommendations"]["route.register_first"].update(last_reviewed=dt.date(2026, 1, 10), review_every="3 months")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    today = dt.date(2026, 12, 7)  # not before any review date in content/
    route = load_route_content(directory, today, load_content(directory, today))
    text = route.advice["route.register_first"]
    assert (text.last_reviewed, text.review_due) == (dt.date(2026, 1, 10), dt.date(2026, 4, 10))
    assert route.advice["route.registration_unclear"].last_reviewed == route.last_reviewed
    profile = Profile.from_answers({"registration": "not_registered"})
    advice = render_advice(advise(profile, today, route), profile, today, route, load_content(directory, today))
    assert advice.endswith("Last reviewed: 10 January 2026 (due for review).")


def content_status(*options):
    return subprocess.run(
        [sys.executable, "-m", "tools.content_status", *options], cwd=ROOT, capture_output=True, text=True
    )


def test_content_status_exits_non_zero_and_lists_what_is_due():
    latest_due = max(item.due for item in review_items(CONTENT, ROUTE_CONTENT))
    due = content_status("--today", str(latest_due + dt.timedelta(days=1)))
    assert due.returncode == 1
    assert "DUE FOR REVIEW: answer hsse.fee" in due.stdout and "edit content/questions/" in due.stdout
    first_due = min(item.due for item in review_items(CONTENT, ROUTE_CONTENT))
    current = content_status("--today", str(first_due), "--all")
    assert current.returncode == 0, current.stdout
    assert current.stdout.startswith("0 of ") and "- current: answer hsse.fee" in current.stdout


def test_the_action_server_logs_each_overdue_answer_once_at_start_up(monkeypatch, caplog):
    class Later(dt.date):
        @classmethod
        def today(cls):
            return dt.date(2099, 1, 1)

    monkeypatch.setattr(wiring.dt, "date", Later)
    with caplog.at_level(logging.WARNING, logger="action_server"):
        wiring.log_overdue_content()
    logged = [record.getMessage() for record in caplog.records]
    assert len(logged) == len(review_items(CONTENT, ROUTE_CONTENT))
    assert any(message.startswith("Due for review: answer hsse.fee") for message in logged)
