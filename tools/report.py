"""`make report`: what to fix next, from the conversations in the tracker store, for a content owner.

It reads the store endpoints.yml names (SQLite by default, PostgreSQL when TRACKER_STORE_URL says so),
the events of the last `--since` days (default 30), one conversation at a time (the events are
streamed, never all loaded), and writes results/report.html (one page, charts as inline SVG, opens
offline) and results/report.md:

- the questions that got "did you mean", the topic list or a decline, grouped by meaning with the
  NLU's sentence encoder, with counts and up to five example wordings each;
- the answers by use, with their Helpful / Not helpful counts and the "what was missing" comments;
- the route check's funnel: how many started, were asked and answered each question, reached the
  advice, and where the others stopped;
- the answers and advice texts past their review-by date (advisor/review.py).

Every wording and comment shown goes through the message checks' personal-data removal
(advisor/personal_data.py) again, whatever the store holds. docs/content.md says how to read it.

Usage: python -m tools.report [--since DAYS] [--endpoints endpoints.yml] [--out results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import itertools
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from advisor import feedback
from advisor.faq_content import Content, load_content
from advisor.personal_data import PLACEHOLDERS, redact
from advisor.render import date_text
from advisor.review import ReviewItem, review_items
from advisor.route.content import load_route_content
from advisor.route.profile import QUESTION_ORDER

ROOT = Path(__file__).resolve().parent.parent
ENCODER_DIR = ROOT / "build" / "minilm"
SECONDS_PER_DAY = 86400
# Two wordings whose sentence vectors are at least this similar (cosine) are one group.
SIMILAR = 0.72
EXAMPLES_PER_GROUP = 5
# At most this many different comments are kept per answer, each with how many times it was made.
COMMENTS_PER_ANSWER = 20
# The events the report reads; the others (session starts, listens, ...) are not fetched.
READ_EVENTS = ("user", "bot", "slot", "action", "active_loop", "restart", "session_started")
FORM = "route_advice_form"
ADVICE_ACTION = "action_give_route_advice"
RESET_ACTIONS = ("action_reset_route_advice", "action_session_start")
BEFORE_FIRST_QUESTION = "before the first question"
# A feedback button's payload, as it sits in a bot event's JSON: which answer the reply gave.
_FEEDBACK_ANSWER = re.compile(r'/feedback\{\\"answer_id\\": \\"(?P<id>[a-z0-9_.]+)\\"')
Embed = Callable[[str], np.ndarray]
# The personal-data placeholders are left out of what is grouped: "[phone number]" says nothing of the question.
_PLACEHOLDER = re.compile("|".join(re.escape(placeholder) for placeholder in PLACEHOLDERS.values()))


def unanswered_kinds(content: Content) -> dict[str, str]:
    """The replies that answer nothing, by their text: what kind of non-answer each one is."""
    interface = content.interface
    return {
        interface["did_you_mean_intro"]: "did you mean",
        interface["fallback_intro"]: "topic list",
        interface["lost_track_intro"]: "topic list",
        interface["out_of_scope_reply"]: "declined",
    }


@dataclass
class Run:
    """One route check: from its form's start to the advice, a stop, or the conversation's end."""

    asked: set[str] = field(default_factory=set)
    answered: set[str] = field(default_factory=set)
    last_asked: str | None = None


@dataclass
class Tally:
    conversations: int = 0
    unanswered: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # wording -> kinds
    uses: Counter = field(default_factory=Counter)
    helpful: Counter = field(default_factory=Counter)
    not_helpful: Counter = field(default_factory=Counter)
    comments: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    started: int = 0
    asked: Counter = field(default_factory=Counter)
    answered: Counter = field(default_factory=Counter)
    reached_advice: int = 0
    stopped_at: Counter = field(default_factory=Counter)

    def end_run(self, run: Run | None, reached: bool) -> None:
        if run is None:
            return
        self.asked.update(run.asked)
        self.answered.update(run.answered)
        if reached:
            self.reached_advice += 1
        else:
            self.stopped_at[run.last_asked or BEFORE_FIRST_QUESTION] += 1


def wording(text: str) -> str:
    """A message as the report shows it: personal data removed, one line."""
    return " ".join(redact(text).text.split())


def tally_conversation(rows: Iterable[tuple[str, str | None, str]], tally: Tally, kinds: dict[str, str]) -> None:
    """Adds one conversation's events, oldest first, as (type, action name, the event's JSON)."""
    tally.conversations += 1
    user_text: str | None = None  # the latest typed message, until its reply is known
    run: Run | None = None
    form_ended = False  # the form finished or was stopped: the advice comes next, or it was a stop
    answer_of_feedback: str | None = None
    for type_name, action_name, data in rows:
        if type_name == "action":
            if action_name == ADVICE_ACTION and run is not None:
                tally.end_run(run, reached=True)
                run, form_ended = None, False
            elif action_name in RESET_ACTIONS or (form_ended and action_name not in (FORM, "action_listen")):
                tally.end_run(run, reached=False)
                run, form_ended = None, False
            continue
        if type_name in ("restart", "session_started"):
            tally.end_run(run, reached=False)
            run, form_ended, user_text = None, False, None
            continue
        if type_name == "bot":
            if user_text is not None:
                event = json.loads(data)
                kind = kinds.get(event.get("text") or "")
                if kind is not None:
                    tally.unanswered[wording(user_text)][kind] += 1
                    user_text = None
            if "/feedback{" in data:
                for answer_id in {match["id"] for match in _FEEDBACK_ANSWER.finditer(data)}:
                    tally.uses[answer_id] += 1
            continue
        event = json.loads(data)
        if type_name == "user":
            text = event.get("text") or ""
            user_text = None if text.startswith("/") else text
        elif type_name == "active_loop":
            if event.get("name") == FORM:
                if run is None or form_ended:
                    tally.end_run(run, reached=False)
                    run = Run()
                    tally.started += 1
                form_ended = False
            elif run is not None:
                form_ended = True
        elif type_name == "slot":
            name, value = event.get("name"), event.get("value")
            if run is not None and name == "requested_slot" and value in QUESTION_ORDER:
                run.asked.add(value)
                run.last_asked = value
            elif run is not None and name in QUESTION_ORDER and value is not None:
                run.answered.add(name)
            elif name == feedback.ANSWER_SLOT:
                answer_of_feedback = value if isinstance(value, str) else None
            elif name == feedback.HELPFUL_SLOT and answer_of_feedback is not None and isinstance(value, bool):
                (tally.helpful if value else tally.not_helpful)[answer_of_feedback] += 1
                answer_of_feedback = None
            elif name == feedback.COMMENT_SLOT and isinstance(value, dict) and isinstance(value.get("text"), str):
                kept, comment = tally.comments[str(value.get("answer_id"))], wording(value["text"])
                if comment in kept or len(kept) < COMMENTS_PER_ANSWER:
                    kept[comment] += 1
    tally.end_run(run, reached=False)


# --- reading the store ---------------------------------------------------------------------------


def stored_rows(store, since: float) -> Iterator[tuple[str, str, str | None, str]]:
    """(sender, type, action name, JSON) of the events since `since`, by conversation then in order, streamed
    in batches (PostgreSQL: a server-side cursor), never all in memory."""
    events = store.SQLEvent.__table__.c
    query = (
        sa.select(events.sender_id, events.type_name, events.action_name, events.data)
        .where(events.timestamp >= since, events.type_name.in_(READ_EVENTS))
        .order_by(events.sender_id, events.id)
    )
    with store.engine.connect() as connection:
        for row in connection.execution_options(yield_per=5000).execute(query):
            yield tuple(row)


def tally_store(store, since: float, content: Content) -> Tally:
    tally, kinds = Tally(), unanswered_kinds(content)
    for _, rows in itertools.groupby(stored_rows(store, since), key=lambda row: row[0]):
        tally_conversation(((row[1], row[2], row[3]) for row in rows), tally, kinds)
    return tally


# --- grouping the unanswered questions -------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    count: int
    kinds: Counter
    examples: tuple[str, ...]  # most asked first


def grouped(unanswered: dict[str, Counter], embed: Embed, similar: float = SIMILAR) -> list[Group]:
    """Wordings grouped by meaning: each joins the group of the most asked wording it is near, else starts one."""
    wordings = sorted(unanswered, key=lambda text: (-sum(unanswered[text].values()), text))
    leaders: list[np.ndarray] = []
    members: list[list[str]] = []
    for text in wordings:
        vector = embed(" ".join(_PLACEHOLDER.sub(" ", text).split()) or text)
        scores = np.array([float(leader @ vector) for leader in leaders])
        if leaders and scores.max() >= similar:
            members[int(scores.argmax())].append(text)
        else:
            leaders.append(vector)
            members.append([text])
    groups = []
    for texts in members:
        kinds = sum((unanswered[text] for text in texts), Counter())
        groups.append(Group(sum(kinds.values()), kinds, tuple(texts[:EXAMPLES_PER_GROUP])))
    return sorted(groups, key=lambda group: (-group.count, group.examples[0]))


def encoder_embed() -> Embed:
    from rasa_server.nlu.sentence_encoder import SentenceEncoder

    encoder = SentenceEncoder(ENCODER_DIR)
    return lambda text: encoder.encode(text).sentence_vector()


# --- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    tally: Tally
    groups: list[Group]
    titles: dict[str, str]  # answer id -> what a content owner calls it
    questions: dict[str, str]  # the route check's question (slot) -> its text
    overdue: list[ReviewItem]

    def answers_by_use(self) -> list[tuple[str, int, int, int]]:
        """(answer id, times given, helpful, not helpful), most given first."""
        ids = set(self.tally.uses) | set(self.tally.helpful) | set(self.tally.not_helpful)
        rows = [(i, self.tally.uses[i], self.tally.helpful[i], self.tally.not_helpful[i]) for i in ids]
        return sorted(rows, key=lambda row: (-row[1], -row[3], row[0]))

    def question_label(self, slot: str) -> str:
        """A question of the route check as the report names it: "registration: Are you registered ...?"."""
        return f"{slot}: {self.questions[slot]}" if slot in self.questions else slot

    def funnel(self) -> list[tuple[str, int, int]]:
        """(question, asked, answered) for each of the route check's questions anyone was asked or answered."""
        tally = self.tally
        return [
            (slot, tally.asked[slot], tally.answered[slot])
            for slot in QUESTION_ORDER
            if tally.asked[slot] or tally.answered[slot]
        ]


def answer_titles(content: Content) -> dict[str, str]:
    titles = {answer_id: answer.question for answer_id, answer in content.questions.items()}
    titles.update({intent: f"{page.topic} (topic page)" for intent, page in content.answers.items()})
    titles[feedback.ROUTE_ADVICE_ID] = "The route check's advice"
    return titles


def times_text(count: int) -> str:
    return f" ({count} times)" if count > 1 else ""


def kinds_text(kinds: Counter) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in kinds.most_common())


def md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(report: Report) -> str:
    tally = report.tally
    lines = [
        "# HSST advisor: what to fix next",
        "",
        f"{date_text(report.start)} to {date_text(report.end)}: {tally.conversations} conversations. "
        'How to read this: docs/content.md, "Read the report".',
        "",
        "## Questions I could not answer",
        "",
        'Grouped by meaning. "Got" says what the assistant did instead: asked "did you mean", showed the '
        "topic list, or declined as outside its subject. Personal details are removed.",
        "",
    ]
    if report.groups:
        lines += ["| Times | Got | Example wordings |", "|---:|---|---|"]
        lines += [
            f"| {group.count} | {kinds_text(group.kinds)} | "
            f"{'<br>'.join(md_cell(example) for example in group.examples)} |"
            for group in report.groups
        ]
    else:
        lines.append("None in this period.")
    lines += ["", "## Answers by use", ""]
    rows = report.answers_by_use()
    if rows:
        lines += ["| Answer | Id | Given | Helpful | Not helpful |", "|---|---|---:|---:|---:|"]
        lines += [
            f"| {md_cell(report.titles.get(i, i))} | `{i}` | {given} | {yes} | {no} |" for i, given, yes, no in rows
        ]
    else:
        lines.append("No answers were given in this period.")
    lines += ["", "### What was missing", ""]
    if tally.comments:
        for answer_id, comments in sorted(tally.comments.items()):
            lines.append(f"- {md_cell(report.titles.get(answer_id, answer_id))} (`{answer_id}`):")
            lines += [f'  - "{md_cell(comment)}"{times_text(count)}' for comment, count in comments.most_common()]
    else:
        lines.append("No comments in this period.")
    lines += ["", "## The route check", "", "Checks started, each question asked and answered, the advice reached.", "",
              "| Step | Asked | Answered |", "|---|---:|---:|", f"| Started | | {tally.started} |"]  # fmt: skip
    for slot, asked, answered in report.funnel():
        lines.append(f"| {md_cell(report.question_label(slot))} | {asked} | {answered} |")
    lines += [f"| Reached the advice | | {tally.reached_advice} |", "", "Where the others stopped:", ""]
    if tally.stopped_at:
        lines += ["| Last question asked | Stopped |", "|---|---:|"]
        lines += [
            f"| {md_cell(report.question_label(slot))} | {count} |" for slot, count in tally.stopped_at.most_common()
        ]
    else:
        lines.append("Nobody stopped before the advice.")
    lines += ["", "## Due for review", ""]
    if report.overdue:
        lines += ["| What | Id | Last reviewed | Review by | Edit |", "|---|---|---|---|---|"]
        lines += [
            f"| {item.kind}: {md_cell(item.title)} | `{item.id}` | {date_text(item.last_reviewed)} "
            f"(due for review) | {date_text(item.due)} | {item.where} |"
            for item in report.overdue
        ]
    else:
        lines.append("Nothing is past its review-by date.")
    return "\n".join(lines) + "\n"


def svg_bars(rows: list[tuple[str, list[int]]], colours: list[str], legend: list[str], title: str) -> str:
    """A horizontal bar chart: one bar per row, its values stacked; labels and numbers written out."""
    label_width, bar_width, row_height = 360, 420, 24
    most = max((sum(values) for _, values in rows), default=0) or 1
    height = row_height * len(rows) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_width + bar_width + 80}" '
        f'height="{height}" font-family="sans-serif" font-size="13"><title>{html.escape(title)}</title>'
    ]
    for row, (label, values) in enumerate(rows):
        y = row * row_height + 4
        shown = label if len(label) <= 46 else label[:45] + "…"
        parts.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{html.escape(shown)}</text>')
        x = float(label_width)
        for value, colour in zip(values, colours, strict=False):
            width = bar_width * value / most
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="18" fill="{colour}"/>')
            x += width
        numbers = " / ".join(str(value) for value in values)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{numbers}</text>')
    y = row_height * len(rows) + 24
    for index, (name, colour) in enumerate(zip(legend, colours, strict=False)):
        parts.append(f'<rect x="{label_width + index * 140}" y="{y - 12}" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + index * 140 + 20}" y="{y}">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


HTML_STYLE = """
body { font-family: sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.due { font-weight: bold; color: #8a1c00; }
"""


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_page(report: Report) -> str:
    tally, e = report.tally, html.escape
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>HSST advisor: what to fix next</title>"
        f"<style>{HTML_STYLE}</style></head><body><h1>HSST advisor: what to fix next</h1>"
        f"<p>{e(date_text(report.start))} to {e(date_text(report.end))}: {tally.conversations} conversations. "
        "How to read this: docs/content.md, “Read the report”.</p>"
    ]
    parts.append(
        "<h2>Questions I could not answer</h2><p>Grouped by meaning. “Got” says what the assistant did "
        "instead. Personal details are removed.</p>"
    )
    if report.groups:
        rows = [[str(g.count), e(kinds_text(g.kinds)), "<br>".join(e(x) for x in g.examples)] for g in report.groups]
        parts.append(_table(["Times", "Got", "Example wordings"], rows, {0}))
    else:
        parts.append("<p>None in this period.</p>")
    parts.append("<h2>Answers by use</h2>")
    by_use = report.answers_by_use()
    if by_use:
        chart = [(report.titles.get(i, i), [yes, no, max(given - yes - no, 0)]) for i, given, yes, no in by_use[:25]]
        parts.append(
            svg_bars(
                chart,
                ["#2e7d32", "#c62828", "#9e9e9e"],
                ["Helpful", "Not helpful", "No feedback"],
                "Answers by use (the 25 most given)",
            )
        )
        rows = [
            [e(report.titles.get(i, i)), f"<code>{e(i)}</code>", str(given), str(yes), str(no)]
            for i, given, yes, no in by_use
        ]
        parts.append(_table(["Answer", "Id", "Given", "Helpful", "Not helpful"], rows, {2, 3, 4}))
    else:
        parts.append("<p>No answers were given in this period.</p>")
    parts.append("<h3>What was missing</h3>")
    if tally.comments:
        items = "".join(
            f"<li>{e(report.titles.get(i, i))} (<code>{e(i)}</code>)<ul>"
            + "".join(f"<li>“{e(comment)}”{times_text(count)}</li>" for comment, count in comments.most_common())
            + "</ul></li>"
            for i, comments in sorted(tally.comments.items())
        )
        parts.append(f"<ul>{items}</ul>")
    else:
        parts.append("<p>No comments in this period.</p>")
    parts.append("<h2>The route check</h2>")
    funnel = [("Started", [tally.started, 0])]
    funnel += [
        (slot, [answered, asked - answered if asked > answered else 0]) for slot, asked, answered in report.funnel()
    ]
    funnel.append(("Reached the advice", [tally.reached_advice, 0]))
    parts.append(
        svg_bars(
            funnel,
            ["#1565c0", "#90caf9"],
            ["Answered (or started, reached)", "Asked, not answered"],
            "The route check's funnel",
        )
    )
    rows = [["Started", "", str(tally.started)]]
    rows += [[e(report.question_label(slot)), str(asked), str(answered)] for slot, asked, answered in report.funnel()]
    rows.append(["Reached the advice", "", str(tally.reached_advice)])
    parts.append(_table(["Step", "Asked", "Answered"], rows, {1, 2}))
    parts.append("<p>Where the others stopped:</p>")
    if tally.stopped_at:
        rows = [[e(report.question_label(slot)), str(count)] for slot, count in tally.stopped_at.most_common()]
        parts.append(_table(["Last question asked", "Stopped"], rows, {1}))
    else:
        parts.append("<p>Nobody stopped before the advice.</p>")
    parts.append("<h2>Due for review</h2>")
    if report.overdue:
        rows = [
            [
                e(f"{item.kind}: {item.title}"),
                f"<code>{e(item.id)}</code>",
                f'{e(date_text(item.last_reviewed))} <span class="due">(due for review)</span>',
                e(date_text(item.due)),
                e(item.where),
            ]
            for item in report.overdue
        ]
        parts.append(_table(["What", "Id", "Last reviewed", "Review by", "Edit"], rows))
    else:
        parts.append("<p>Nothing is past its review-by date.</p>")
    parts.append("</body></html>")
    return "".join(parts)


def build_report(store, since_days: float, content_dir: Path, embed: Embed, now: float | None = None) -> Report:
    now = time.time() if now is None else now
    today = dt.date.fromtimestamp(now)
    content = load_content(content_dir, today)
    route = load_route_content(content_dir, today, content)
    tally = tally_store(store, now - since_days * SECONDS_PER_DAY, content) if store is not None else Tally()
    overdue = [item for item in review_items(content, route) if item.overdue(today)]
    start = dt.date.fromtimestamp(now - since_days * SECONDS_PER_DAY)
    questions = {slot: question.text for slot, question in route.questions.items()}
    groups = grouped(tally.unanswered, embed)
    return Report(start, today, tally, groups, answer_titles(content), questions, overdue)


def write_report(report: Report, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    page, twin = out / "report.html", out / "report.md"
    page.write_text(html_page(report), encoding="utf-8")
    twin.write_text(markdown(report), encoding="utf-8")
    return page, twin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", type=float, default=30.0, help="days back from now (default 30)")
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--out", type=Path, default=Path("results"))
    args = parser.parse_args()
    if args.since <= 0:
        sys.exit("--since must be a positive number of days.")
    from rasa_server.quiet import quieten
    from tools.launch import environment
    from tools.purge import configured_store

    quieten()
    # endpoints.yml names the store through the environment, with the launcher's defaults.
    os.environ.update(environment())
    store = configured_store(args.endpoints)
    started = time.perf_counter()
    report = build_report(store, args.since, args.content, encoder_embed())
    page, twin = write_report(report, args.out)
    print(
        f"{report.tally.conversations} conversations read in {time.perf_counter() - started:.1f} s: {page} and {twin}"
    )


if __name__ == "__main__":
    main()
