"""Every reply text the assistant sends, built in one place for every channel. No Rasa import.

The FAQ actions and the route advisor's actions pass the content objects here and send what
comes back; no other module formats a source, a date, an IPEM label or the advice's layout.
A reply is plain text with paragraphs separated by a blank line (each channel shows a
paragraph as one message) and, where it has them, buttons as (title, payload) pairs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from advisor.answer_choice import Choice
from advisor.content_schema import Source
from advisor.distress import CrisisContent
from advisor.faq_content import Answer, Content, QuestionAnswer
from advisor.feedback import INTENT as FEEDBACK_INTENT
from advisor.feedback import ROUTE_ADVICE_ID
from advisor.route.answers import OTHER, UNSURE, ReadingContent
from advisor.route.content import Question, RouteContent
from advisor.route.profile import MAX_START_YEARS_AHEAD, QUESTION_ORDER, PartialDate, Profile
from advisor.route.rules import Recommendation, next_start, programme_start

# How IPEM's recommendations are labelled wherever they are shown, so no one takes them for policy.
IPEM_LABEL = "IPEM's recommendation from its HSST survey, not current NSHCS policy"

Button = dict[str, str]


def date_text(date: dt.date) -> str:
    return f"{date:%-d %B %Y}"


def partial_date_text(date: PartialDate) -> str:
    """As precisely as the person said it: "2019", "March 2019" or "4 March 2019"."""
    if date.day is not None:
        return date_text(date.earliest)
    if date.month is not None:
        return f"{date.earliest:%B %Y}"
    return str(date.year)


def number_text(value: float) -> str:
    """0.8 as "0.8", 5.0 as "5", 8.333 as "8.33"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# A link inside reply text, written as in Markdown so that each channel can show it its own way:
# the widget as a link named by its title, Slack as <url|title>, a terminal as the title, then the URL.
LINK = re.compile(r"\[(?P<title>[^\[\]\n]+)\]\((?P<url>https?://[^\s()]+)\)")


def link_text(title: str, url: str) -> str:
    return f"[{title}]({url})"


def links_as_plain(text: str) -> str:
    """For a terminal: "[title](url)" becomes "title: url"."""
    return LINK.sub(r"\g<title>: \g<url>", text)


def links_as_slack(text: str) -> str:
    """For Slack's mrkdwn: "[title](url)" becomes "<url|title>" (Slack's own link syntax)."""
    return LINK.sub(lambda match: f"<{match['url']}|{match['title'].replace('|', '/')}>", text)


def sources_text(sources: Iterable[Source], heading: str = "Sources") -> str:
    return f"{heading}:\n" + "\n".join(f"- {link_text(source.title, source.url)}" for source in sources)


def ipem_notes(numbers: tuple[int, ...], content: Content) -> list[str]:
    """IPEM's recommendations by number, each labelled as IPEM's."""
    return [
        f"IPEM recommendation {number} ({IPEM_LABEL}): {content.ipem_recommendations[number].text}"
        for number in numbers
    ]


def with_ipem_source(sources: tuple[Source, ...], numbers: tuple[int, ...], content: Content) -> list[Source]:
    """The sources, plus IPEM's page when IPEM recommendations are cited and it is not there already."""
    return [*sources, content.ipem_source] if numbers and content.ipem_source not in sources else list(sources)


def button(title: str, payload: str) -> Button:
    return {"title": title, "payload": payload}


def feedback_payload(answer_id: str, helpful: bool) -> str:
    return f"/{FEEDBACK_INTENT}" + json.dumps({"answer_id": answer_id, "helpful": helpful})


def feedback_buttons(answer_id: str, content: Content) -> list[Button]:
    """ "Helpful" / "Not helpful", last under every factual answer and the route advice (advisor/feedback.py)."""
    return [
        button(content.interface["helpful_button"], feedback_payload(answer_id, True)),
        button(content.interface["not_helpful_button"], feedback_payload(answer_id, False)),
    ]


# --- FAQ answers -------------------------------------------------------------------------------


def reviewed_date_text(last_reviewed: dt.date, due: dt.date, today: dt.date, content: Content) -> str:
    """The review date as a reply shows it; past its review-by date, "(due for review)" beside it."""
    due_note = f" ({content.interface['due_for_review']})" if due < today else ""
    return date_text(last_reviewed) + due_note


def render_answer(answer: Answer, content: Content, today: dt.date | None = None) -> str:
    """A full topic page: our answer, IPEM's recommendations marked as such, sources, review date."""
    parts = [answer.text, *ipem_notes(answer.ipem_recommendations, content)]
    parts.append(sources_text(with_ipem_source(answer.sources, answer.ipem_recommendations, content)))
    date = reviewed_date_text(answer.last_reviewed, answer.review_due, today or dt.date.today(), content)
    parts.append(content.interface["reviewed_line"].format(date=date))
    return "\n\n".join(parts)


def render_question_answer(answer: QuestionAnswer, content: Content, today: dt.date | None = None) -> str:
    """One question's reply: the direct answer first, its details, IPEM's recommendations marked
    as such, the sources as titled links, and the review date in one short line."""
    parts = [answer.answer]
    if answer.details:
        parts.append("\n".join(f"- {detail}" for detail in answer.details))
    parts += ipem_notes(answer.ipem_recommendations, content)
    parts.append(sources_text(with_ipem_source(answer.sources, answer.ipem_recommendations, content)))
    date = reviewed_date_text(answer.last_reviewed, answer.review_due, today or dt.date.today(), content)
    parts.append(content.interface["reviewed_line"].format(date=date))
    return "\n\n".join(parts)


def question_answer_buttons(answer: QuestionAnswer, content: Content, in_route_check: bool) -> list[Button]:
    """ "More on <topic>" gives the full topic page; the topic's route-check offer stays."""
    topic = content.answers[answer.topic]
    more = button(content.interface["more_on_button"].format(topic=topic.topic), f"/{answer.topic}")
    return [more, *_route_check_offer(topic, content, in_route_check), *feedback_buttons(answer.id, content)]


def pick_payload(answer: QuestionAnswer) -> str:
    """What a "Did you mean..." button sends: its topic's intent, naming the answer, so that
    picking it answers in one step."""
    return f"/{answer.topic}" + json.dumps({"answer_id": answer.id})


def did_you_mean_buttons(choice: Choice, content: Content) -> list[Button]:
    candidates = [content.questions[answer_id] for answer_id in choice.candidates]
    return [
        *(button(answer.question, pick_payload(answer)) for answer in candidates),
        button(content.interface["something_else_button"], "/ask_capabilities"),
    ]


def _route_check_offer(answer: Answer, content: Content, in_route_check: bool) -> list[Button]:
    """Outside the route check, answers about eligibility and routes offer to check for this person."""
    offer = answer.offers_route_check and not in_route_check
    return [button(content.interface["route_check_button"], "/ask_route_advice")] if offer else []


def answer_buttons(answer: Answer, content: Content, in_route_check: bool) -> list[Button]:
    """A topic page's buttons: the route-check offer where it has one, then the feedback buttons."""
    return [*_route_check_offer(answer, content, in_route_check), *feedback_buttons(answer.intent, content)]


def topic_buttons(content: Content) -> list[Button]:
    """One quick-reply button per answerable topic, in the order of answers.yml."""
    return [button(answer.topic, f"/{intent}") for intent, answer in content.answers.items()]


# --- the route advisor -------------------------------------------------------------------------


def question_buttons(question: Question, today: dt.date, route: RouteContent) -> list[Button]:
    """Each button sends its value as the answer to its question, as `/inform{"slot": "value"}`.

    The start-year question's buttons depend on the date: the years the advisor accepts, from the next start.
    """
    choices = question.buttons
    if question.slot == "start_year":
        first = next_start(today, route).year
        choices = tuple((str(year), str(year)) for year in range(first, first + MAX_START_YEARS_AHEAD + 1))
    return [button(title, "/inform" + json.dumps({question.slot: value})) for title, value in choices]


def advice_buttons(content: Content, feedback: bool = True) -> list[Button]:
    """Under the advice: start again, ask something else, and (under advice given) the feedback buttons."""
    buttons = [
        button(content.interface["restart_button"], "/restart_advice"),
        button(content.interface["topics_button"], "/ask_capabilities"),
    ]
    return [*buttons, *feedback_buttons(ROUTE_ADVICE_ID, content)] if feedback else buttons


def _answer_values(profile: Profile, today: dt.date, route: RouteContent) -> dict[str, str]:
    """What the {placeholders} of a label or reason say: the person's answers and today's parameters."""
    values = {name: number_text(value) for name, value in route.values_on(today).items()}
    specialism = route.specialism(profile.specialism)
    values["specialism"] = profile.specialism if specialism else "your specialism"
    values["theme"] = route.themes[specialism.theme] if specialism else "your theme"
    values["phd_year"] = partial_date_text(profile.phd_year) if profile.phd_year else "your PhD year"
    values["senior_years"] = number_text(profile.senior_years) if profile.senior_years is not None else ""
    values["wte"] = number_text(profile.wte) if profile.wte is not None else ""
    values["start"] = f"{programme_start(profile, today, route):%B %Y}"
    return values


def render_recommendation(number: int, recommendation: Recommendation, values: dict[str, str], route: RouteContent,
                          content: Content) -> str:  # fmt: skip
    """Heading, reason, related IPEM recommendations, sources. An IPEM-based one is labelled in its heading."""
    text = route.advice[recommendation.id]
    numbers = text.ipem_recommendations
    label, reason = text.label.format(**values), text.reason.format(**values)
    if text.basis == "ipem":
        # The reason already is IPEM's recommendation: label the heading rather than repeat it.
        lines = [f"{number}. {label} ({IPEM_LABEL})", reason]
    else:
        lines = [f"{number}. {label}", reason, *ipem_notes(numbers, content)]
    lines.append(sources_text(with_ipem_source(text.sources, numbers, content)))
    return "\n".join(lines)


def render_advice(recommendations: list[Recommendation], profile: Profile, today: dt.date, route: RouteContent,
                  content: Content) -> str:  # fmt: skip
    """One paragraph per recommendation (each becomes its own chat message), then where to confirm.

    Numbers in the texts are the parameters' values on `today`.
    """
    values = _answer_values(profile, today, route)
    parts = [content.interface["advice_intro"]]
    parts += [
        render_recommendation(number, each, values, route, content)
        for number, each in enumerate(recommendations, start=1)
    ]
    parts.append(f"{route.closing_text}\n{sources_text(route.closing_sources, 'Contact')}")
    # The oldest review of the texts shown, and "due for review" when any of them is past due.
    texts = [route.advice[each.id] for each in recommendations]
    reviewed = min((text.last_reviewed for text in texts), default=route.last_reviewed)
    due = min((text.review_due for text in texts), default=today)
    parts.append(f"Last reviewed: {reviewed_date_text(reviewed, due, today, content)}.")
    return "\n\n".join(parts)


# --- the route advisor: what was understood ------------------------------------------------------


def answer_said_back(slot: str, value: Any, route: RouteContent, reading: ReadingContent) -> str:
    """One answer in a few words: "PhD 2017", "0.6 WTE", "HCPC clinical scientist"."""
    said = reading.said_back.get(slot, {})
    if value == UNSURE:
        return said.get(UNSURE, f"{slot.replace('_', ' ')} not sure")
    if slot == "wte" and value == 1:
        return said.get("full_time", "full time")
    if slot == "specialism" and value == OTHER:
        return said.get(OTHER, value)
    if str(value) in said:
        return said[str(value)]
    if isinstance(value, float | int) and not isinstance(value, bool):
        return said.get("value", "{value}").format(value=number_text(value))
    titles = dict((answer, title) for title, answer in route.questions[slot].buttons) if slot in route.questions else {}
    if str(value) in titles:
        return titles[str(value)]
    return said.get("value", "{value}").format(value=value)


def answers_said_back(answers: Mapping[str, Any], route: RouteContent, reading: ReadingContent) -> str:
    """The answers in the order the questions are asked, "; " between them."""
    return "; ".join(
        answer_said_back(slot, answers[slot], route, reading)
        for slot in QUESTION_ORDER
        if answers.get(slot) is not None
    )


def noted_text(answers: Mapping[str, Any], route: RouteContent, reading: ReadingContent) -> str:
    """For answers a message gave without being asked: "Noted: PhD 2017; 0.6 WTE."."""
    return reading.texts["noted"].format(answers=answers_said_back(answers, route, reading))


def taken_as_text(slot: str, value: Any, route: RouteContent, reading: ReadingContent) -> str:
    """For an approximate reading ("about 6"): "I've taken that as 6 years at a senior level."."""
    return reading.texts["taken_as"].format(answer=answer_said_back(slot, value, route, reading))


def so_far_text(answers: Mapping[str, Any], route: RouteContent, reading: ReadingContent) -> str:
    """What was understood so far, said before a question is asked the second time."""
    if not any(value is not None for value in answers.values()):
        return reading.texts["nothing_so_far"]
    return reading.texts["so_far"].format(answers=answers_said_back(answers, route, reading))


def advice_summary(answers: Mapping[str, Any], route: RouteContent, reading: ReadingContent) -> str:
    """The line the advice starts with: the answers it rests on, and how to change one."""
    return reading.texts["summary"].format(answers=answers_said_back(answers, route, reading))


def second_ask_buttons(
    question: Question, today: dt.date, route: RouteContent, reading: ReadingContent
) -> list[Button]:
    """The question's buttons, plus "Not sure / skip" unless it already has a "not sure" button."""
    buttons = question_buttons(question, today, route)
    if UNSURE not in (value for _, value in question.buttons):
        buttons.append(button(reading.texts["skip_button"], "/inform" + json.dumps({question.slot: UNSURE})))
    return buttons


# --- replies the message checks give -----------------------------------------------------------


def crisis_reply(crisis: CrisisContent) -> str:
    """Kind words, the NHS routes, their sources, and an offer to carry on, in one message."""
    lines = [crisis.reply, *(f"- {route}" for route in crisis.urgent_help)]
    lines += [sources_text(crisis.sources), crisis.carry_on]
    return "\n".join(lines)


def personal_data_note(found: tuple[str, ...], interface: dict) -> str:
    """Says once which kinds of personal details were taken out: "an e-mail address and a phone number"."""
    names = [interface["personal_data_names"][kind] for kind in found]
    items = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return " ".join(interface["personal_data_removed"].split()).format(items=items)
