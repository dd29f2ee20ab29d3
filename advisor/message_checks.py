"""The checks every channel makes on what a user sends, before Rasa sees it. No Rasa import.

A message is either passed on (cleaned, personal identifiers replaced) or answered here, so
a bad message never reaches the model and never changes the conversation. In this order:

1. the length, before any other work on the characters;
2. cleaning: control characters, lone UTF-16 surrogates (spaCy cannot read them) and
   invisible format characters (zero-width spaces, direction overrides) removed; nothing left
   means empty;
3. crisis: someone who may be in crisis is signposted to help before anything else happens
   (advisor/distress.py); the conversation is not touched, so a route check carries on. The
   phrases come before a channel's rate limits, the sentence-vector check after them
   (`first_look` and `second_look`), so a flood costs no encoder work;
4. commands: whatever Rasa would read as a command (a "/" first, after stripping whitespace)
   is refused unless it is exactly one of the assistant's own button payloads with a valid value
   (a feedback button's: an answer id and true or false, advisor/feedback.py);
5. personal data: identifiers replaced by placeholders (advisor/personal_data.py), with a note.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from advisor import feedback, render
from advisor.distress import DEFAULT_CRISIS_PATH, DEFAULT_OFFICIAL_DOMAINS_PATH, DistressDetector, Embed, load_crisis
from advisor.personal_data import redact

DEFAULT_MAX_MESSAGE_CHARS = 2000
DEFAULT_DOMAIN_PATH = "domain.yml"
DEFAULT_QUESTIONS_PATH = "content/route_questions.yml"
DEFAULT_INTERFACE_PATH = "content/interface.yml"
DEFAULT_ANSWERS_DIR = "content/questions"
MAX_SENDER_CHARS = 128

# What Rasa reads as a command: the text, stripped, starting with "/" (YAMLStoryReader.unpack_regex_message).
COMMAND_PREFIX = "/"
_INFORM = re.compile(r"^/inform(?P<entities>\{.*\})$", re.DOTALL)
# "Did you mean" buttons: one question-level answer of a topic, `/<topic intent>{"answer_id": "<id>"}`.
_PICKED_ANSWER = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})$", re.DOTALL)
# The value an answer payload may carry: short plain text (a button's value, a year, a date, a number,
# a specialism), which the route check then reads and checks like a typed answer.
_ANSWER_VALUE = re.compile(r"^-?[A-Za-z0-9][A-Za-z0-9 .,'/\-]{0,39}\Z")
# \Z, not $: "$" also matches before a final newline, which would let "user\n" pass as another conversation.
_SENDER = re.compile(r"^[A-Za-z0-9_.:@\-]+\Z")
# Joiners shape scripts and emoji; every other format character (zero-width space, BOM, bidi override) goes.
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}

# A message phrased as a question starts with one of these words (or ends with "?").
QUESTION_WORDS = frozenset(
    {"what", "how", "why", "when", "where", "who", "which", "can", "could", "is", "are", "do", "does", "will", "would",
     "should", "tell", "explain"}
)  # fmt: skip

EMPTY_REPLY = 'It looks like your message was empty. Type a question, or "help" to see the topics I cover.'
# When Rasa fails while handling a message: the conversation is kept, so trying again works.
FAILURE_REPLY = "Sorry, something went wrong on my side. Please try again."
COMMAND_REPLY = (
    'Messages starting with "/" are commands I don\'t accept here. Please type your question in words, '
    'or "help" to see the topics I cover.'
)


def too_long_reply(limit: int) -> str:
    return (
        f"Sorry, that message is too long for me (the limit is {limit} characters). "
        "Please shorten it to your main question and send it again."
    )


@dataclass(frozen=True)
class Verdict:
    """Either `text` to pass on to Rasa (with a `note` to send first, if any), or a `reply` to send back instead.

    `refused` names why a reply was given instead (for the log: never the text itself).
    """

    text: str | None = None
    reply: str | None = None
    note: str | None = None
    refused: str | None = None


def user_intents(domain_path: Path) -> frozenset[str]:
    """The intents this assistant defines, the only ones a "/" command may name.

    Rasa's built-in intents (restart, session_start, back, ...) are left out on
    purpose: typed by a user they would wipe or rewind the conversation.
    """
    domain = yaml.safe_load(Path(domain_path).read_text(encoding="utf-8")) or {}
    names = set()
    for intent in domain.get("intents", []):
        names.add(next(iter(intent)) if isinstance(intent, dict) else str(intent))
    return frozenset(names)


@dataclass(frozen=True)
class Commands:
    """The "/" messages the assistant's own buttons send: "/intent" for its intents, and
    `/inform{"slot": "value"}` for one route-check question's slot with one of its buttons' values, or
    another value of an answer's shape (the route check reads it like a typed answer and asks again
    if it cannot use it)."""

    intents: frozenset[str]
    answers: dict[str, frozenset[str]]  # slot -> its buttons' values
    picked_answers: frozenset[tuple[str, str]] = frozenset()  # (topic intent, answer id) of content/questions/

    @classmethod
    def from_files(cls, domain_path: Path, questions_path: Path, answers_dir: Path | None = None) -> Commands:
        questions = yaml.safe_load(Path(questions_path).read_text(encoding="utf-8")) or {}
        answers = {}
        for slot, question in questions.items():
            buttons = (question.get("buttons") if isinstance(question, dict) else None) or []
            answers[slot] = frozenset(str(button["value"]) for button in buttons)
        return cls(user_intents(Path(domain_path)), answers, _picked_answers(answers_dir))

    def allows(self, command: str) -> bool:
        if command[1:] in self.intents and command[1:] != "inform":
            return True
        picked = _PICKED_ANSWER.match(command)
        if picked and picked["intent"] == feedback.INTENT:
            # A "Helpful" / "Not helpful" button: its shape is checked here, its answer id by the action,
            # which says so when content no longer has it (an old button).
            try:
                entities = json.loads(picked["entities"])
            except ValueError:
                return False
            return feedback.INTENT in self.intents and feedback.payload_problem(entities) is None
        if picked and picked["intent"] != "inform":
            try:
                entities = json.loads(picked["entities"])
            except ValueError:
                return False
            return (
                isinstance(entities, dict)
                and list(entities) == ["answer_id"]
                and isinstance(entities["answer_id"], str)
                and (picked["intent"], entities["answer_id"]) in self.picked_answers
            )
        inform = _INFORM.match(command)
        if not inform or "inform" not in self.intents:
            return False
        try:
            entities = json.loads(inform.group("entities"))
        except ValueError:
            return False
        if not isinstance(entities, dict) or len(entities) != 1:
            return False
        ((slot, value),) = entities.items()
        if slot not in self.answers or isinstance(value, bool) or not isinstance(value, str | int | float):
            return False
        return str(value) in self.answers[slot] or bool(_ANSWER_VALUE.match(str(value)))


def _picked_answers(answers_dir: Path | None) -> frozenset[tuple[str, str]]:
    """(topic, id) of every question-level answer: what a "did you mean" button may send."""
    if answers_dir is None or not Path(answers_dir).is_dir():
        return frozenset()
    pairs = set()
    for path in sorted(Path(answers_dir).glob("*.yml")):
        page = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(page, dict) and "topic" in page:
            pairs.update((page["topic"], answer["id"]) for answer in page.get("answers") or [] if "id" in answer)
    return frozenset(pairs)


def looks_like_question(text: str) -> bool:
    """Phrased as a question: "?" at the end or a question word first."""
    words = text.strip().lower().split()
    return text.strip().endswith("?") or (bool(words) and words[0] in QUESTION_WORDS)


def cleaned(text: str) -> str:
    """Without control characters (but newlines and tabs), lone surrogates and invisible format characters."""

    def kept(character: str) -> bool:
        category = unicodedata.category(character)
        if category == "Cc":
            return character in "\n\t"
        if category == "Cf":
            return character in _KEPT_FORMAT_CHARACTERS
        return category != "Cs"

    return "".join(character for character in text if kept(character)).strip()


class MessageChecks:
    """A channel's message checks, with its settings from credentials.yml (the defaults when it names none)."""

    def __init__(self, commands: Commands, detector: DistressDetector, interface: dict, max_message_chars: int) -> None:
        self.commands = commands
        self.detector = detector
        self.interface = interface
        self.max_message_chars = int(max_message_chars)
        self.crisis_reply = render.crisis_reply(detector.content)

    @classmethod
    def from_settings(
        cls,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        domain_path: str = DEFAULT_DOMAIN_PATH,
        questions_path: str = DEFAULT_QUESTIONS_PATH,
        interface_path: str = DEFAULT_INTERFACE_PATH,
        crisis_path: str = DEFAULT_CRISIS_PATH,
        official_domains_path: str = DEFAULT_OFFICIAL_DOMAINS_PATH,
        answers_dir: str = DEFAULT_ANSWERS_DIR,
        embed: Embed | None = None,
    ) -> MessageChecks:
        crisis = load_crisis(Path(crisis_path), Path(official_domains_path))
        interface = yaml.safe_load(Path(interface_path).read_text(encoding="utf-8"))
        commands = Commands.from_files(Path(domain_path), Path(questions_path), Path(answers_dir))
        return cls(commands, DistressDetector(crisis, embed), interface, max_message_chars)

    def check(self, text: object) -> Verdict:
        """Decide what to do with one user message (which the channel knows is present)."""
        first = self.first_look(text)
        return first if first.reply is not None else self.second_look(first.text)

    def first_look(self, text: object) -> Verdict:
        """The cheap checks (length, cleaning, crisis phrases): a channel makes them before its rate limits,
        so that a flood is refused without the sentence encoder's work, and a crisis is never refused."""
        if not isinstance(text, str):
            return Verdict(reply=EMPTY_REPLY, refused="empty")
        if len(text) > self.max_message_chars:
            return Verdict(reply=too_long_reply(self.max_message_chars), refused="too long")
        text = cleaned(text)
        if not text or set(text) <= _KEPT_FORMAT_CHARACTERS:
            return Verdict(reply=EMPTY_REPLY, refused="empty")
        if self.detector.phrase_match(text):
            return Verdict(reply=self.crisis_reply, refused="crisis signposting")
        return Verdict(text=text)

    def second_look(self, text: str) -> Verdict:
        """The rest, on `first_look`'s cleaned text: crisis by meaning, commands, personal data."""
        if self.detector.meaning_match(text):
            return Verdict(reply=self.crisis_reply, refused="crisis signposting")
        if text.startswith(COMMAND_PREFIX) and not self.commands.allows(text):
            return Verdict(reply=COMMAND_REPLY, refused="command")
        redacted = redact(text)
        note = render.personal_data_note(redacted.found, self.interface) if redacted.found else None
        return Verdict(text=redacted.text, note=note)


def sender_problem(sender: object) -> str | None:
    """Why a sender id is unusable, or None when it is fine."""
    if not isinstance(sender, str) or not sender:
        return "'sender' is required: a string that identifies the conversation"
    if len(sender) > MAX_SENDER_CHARS or not _SENDER.match(sender):
        return f"'sender' must be 1-{MAX_SENDER_CHARS} characters of letters, digits and _ . : @ -"
    return None
