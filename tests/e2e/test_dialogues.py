"""End to end: the scripted people of tests/dialogues/ try the route check over REST.

Each person answers the question the assistant asks with what they would type (or the button
they would press), asks what they would ask mid-way, and corrects what they would correct after
the advice. Each must reach the advice with the recommendations their profile calls for, and no
question may be asked more than twice in a row (a question asked again after a question in
between is not a second miss).
"""

from pathlib import Path

import pytest
import yaml

from actions.wiring import CONTENT, READING, ROUTE_CONTENT
from tests.e2e.servers import conversation, texts

DIALOGUES = Path(__file__).resolve().parent.parent / "dialogues"
QUESTIONS = {question.text: slot for slot, question in ROUTE_CONTENT.questions.items()}
ADVICE_INTRO = CONTENT.interface["advice_intro"]
SUMMARY_START = READING.texts["summary"].split("{")[0]
MAX_TURNS = 30
MAX_ASKS_IN_A_ROW = 2


def people() -> list:
    found = []
    for path in sorted(DIALOGUES.glob("*.yml")):
        for person in yaml.safe_load(path.read_text(encoding="utf-8")):
            found.append(pytest.param(person, id=f"{path.stem}: {person['name']}"))
    return found


def question_asked(replies: list) -> str | None:
    """The question the replies end with, if any."""
    asked = [QUESTIONS[reply["text"]] for reply in replies if reply.get("text") in QUESTIONS]
    return asked[-1] if asked else None


def label(advice_id: str) -> str:
    """The fixed part of a recommendation's heading (up to its first placeholder)."""
    return ROUTE_CONTENT.advice[advice_id].label.split("{")[0]


def reply_for(answer: str, replies: list) -> str:
    """What the person sends: the text, or the payload of the button named `button: <title>`."""
    if not answer.startswith("button: "):
        return answer
    title = answer.removeprefix("button: ")
    buttons = [button for reply in replies for button in reply.get("buttons") or []]
    payloads = [button["payload"] for button in buttons if button["title"] == title]
    assert payloads, f"no button {title!r} among {[button['title'] for button in buttons]}"
    return payloads[-1]


def check_advice(advice: str, expected: dict, person: str) -> None:
    assert SUMMARY_START in advice, f"{person}: the advice does not start with the answers' summary"
    summary = advice[advice.index(SUMMARY_START) :].split("\n")[0]
    for phrase in expected.get("summary", []):
        assert phrase.lower() in summary.lower(), f"{person}: {phrase!r} not in the summary {summary!r}"
    for advice_id in expected.get("advice", []):
        assert label(advice_id) in advice, f"{person}: {advice_id} missing from the advice:\n{advice}"
    for advice_id in expected.get("not_advice", []):
        assert label(advice_id) not in advice, f"{person}: {advice_id} should not be in the advice:\n{advice}"


def talk_until_advice(assistant, sender: str, person: dict, replies: list) -> tuple[str, list[str]]:
    """Answers each question as scripted until the advice arrives; returns it and everything said."""
    said = [texts(replies)]
    times_answered: dict[str, int] = {}
    mid_way_asked: set[str] = set()
    in_a_row, last, after_question = 0, None, False
    for _ in range(MAX_TURNS):
        if ADVICE_INTRO in texts(replies):
            return texts(replies), said
        slot = question_asked(replies)
        assert slot, f"{person['name']}: neither a question nor the advice:\n{texts(replies)}"
        if slot == last and not after_question:
            in_a_row += 1
        elif slot != last:
            in_a_row = 1
        last, after_question = slot, False
        assert in_a_row <= MAX_ASKS_IN_A_ROW, f"{person['name']}: {slot} asked {in_a_row} times in a row"
        if slot in (person.get("mid_way") or {}) and slot not in mid_way_asked:
            mid_way_asked.add(slot)
            replies = assistant.ask(sender, person["mid_way"][slot])
            said.append(texts(replies))
            assert question_asked(replies) == slot, f"{person['name']}: {slot} not asked again after the question"
            after_question = True
            continue
        assert slot in person["answers"], f"{person['name']}: asked {slot}, which the script does not answer"
        scripted = person["answers"][slot]
        answers = scripted if isinstance(scripted, list) else [scripted]
        answer = answers[min(times_answered.get(slot, 0), len(answers) - 1)]
        times_answered[slot] = times_answered.get(slot, 0) + 1
        replies = assistant.ask(sender, reply_for(answer, replies))
        said.append(texts(replies))
    pytest.fail(f"{person['name']}: no advice after {MAX_TURNS} turns")


@pytest.mark.parametrize("person", people())
def test_each_person_reaches_the_advice_their_profile_calls_for(assistant, person):
    sender = conversation()
    advice, said = talk_until_advice(assistant, sender, person, assistant.ask(sender, person["opening"]))
    check_advice(advice, person, person["name"])
    for correction in person.get("after_advice") or []:
        replies = assistant.ask(sender, correction["say"])
        said.append(texts(replies))
        assert ADVICE_INTRO in texts(replies), f"{person['name']}: no new advice after {correction['say']!r}"
        check_advice(texts(replies), correction, person["name"])
    for phrase in person.get("never_say") or []:
        assert all(phrase not in text for text in said), f"{person['name']}: said {phrase!r}"


def test_there_are_at_least_thirty_people():
    assert len(people()) >= 30
