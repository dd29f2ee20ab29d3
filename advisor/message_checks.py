"""The checks every channel makes on what a user sends, before Rasa sees it. No Rasa import.

A message is either passed on (cleaned) or answered here with a polite reply, so
a bad message never reaches the model and never changes the conversation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_MAX_MESSAGE_CHARS = 2000
DEFAULT_DOMAIN_PATH = "domain.yml"
MAX_SENDER_CHARS = 128

# Rasa reads "/name{...}" or "/name@0.9" as an intent given directly.
_COMMAND = re.compile(r"^/(?P<intent>[^\s{@/]+)")
_SENDER = re.compile(r"^[A-Za-z0-9_.:@\-]+$")

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
    """Either `text` to pass on to Rasa, or a `reply` to send back instead."""

    text: str | None = None
    reply: str | None = None


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


def _without_control_characters(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def check_message(text: object, allowed_intents: frozenset[str], max_chars: int) -> Verdict:
    """Decide what to do with one user message (which the channel knows is present)."""
    if not isinstance(text, str):
        return Verdict(reply=EMPTY_REPLY)
    cleaned = _without_control_characters(text).strip()
    if not cleaned:
        return Verdict(reply=EMPTY_REPLY)
    if len(cleaned) > max_chars:
        return Verdict(reply=too_long_reply(max_chars))
    command = _COMMAND.match(cleaned)
    if command and command.group("intent") not in allowed_intents:
        return Verdict(reply=COMMAND_REPLY)
    return Verdict(text=cleaned)


@dataclass(frozen=True)
class MessageChecks:
    """A channel's message checks, with its settings from credentials.yml (the defaults when it names none)."""

    allowed_intents: frozenset[str]
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS

    @classmethod
    def from_settings(
        cls, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS, domain_path: str = DEFAULT_DOMAIN_PATH
    ) -> MessageChecks:
        return cls(user_intents(Path(domain_path)), int(max_message_chars))

    def check(self, text: object) -> Verdict:
        return check_message(text, self.allowed_intents, self.max_message_chars)


def sender_problem(sender: object) -> str | None:
    """Why a sender id is unusable, or None when it is fine."""
    if not isinstance(sender, str) or not sender:
        return "'sender' is required: a string that identifies the conversation"
    if len(sender) > MAX_SENDER_CHARS or not _SENDER.match(sender):
        return f"'sender' must be 1-{MAX_SENDER_CHARS} characters of letters, digits and _ . : @ -"
    return None
