"""The Slack Web API client the Slack channel replies through: one message per reply, within Slack's limits.

A reply (plain text, paragraphs separated by a blank line, links as `[title](url)`, maybe buttons)
becomes one `chat.postMessage`: each paragraph a mrkdwn section block, the buttons in actions
blocks after them. The limits it keeps are Slack's documented Block Kit and message limits
(https://api.slack.com/reference/block-kit/blocks, .../block-elements#button,
https://api.slack.com/methods/chat.postMessage); docs/channels.md lists them.

Rate limits (HTTP 429) are retried after the `Retry-After` Slack names, by slack_sdk's own retry
handler. A reply Slack still does not take is logged and replaced by a short apology; nothing
is raised, so Rasa keeps the turn and the conversation goes on from it.
Replies go to `api_url` (default Slack's own), so tests can point them at a fake.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from rasa.core.channels.slack import SlackBot
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from advisor.render import links_as_slack

logger = logging.getLogger(__name__)

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

# Slack's documented limits.
SECTION_TEXT_CHARS = 3000  # a section block's text
BLOCKS_PER_MESSAGE = 50
BUTTONS_PER_ACTIONS_BLOCK = 25
BUTTON_LABEL_CHARS = 75
BUTTON_VALUE_CHARS = 2000
# Slack truncates a message's `text` at 40,000 characters and advises keeping it under 4,000. With
# blocks it is only the notification and fallback text, so the start of the reply is enough.
FALLBACK_TEXT_CHARS = 4000
# Not in Slack's documentation, but seen: Slack answers `msg_blocks_too_long` when the blocks of one
# message hold more than about 13,000 characters in all, so a message's sections stay under this.
MESSAGE_TEXT_CHARS = 12_000

# How often one post is retried after a 429 (each time after the Retry-After Slack names).
RATE_LIMIT_RETRIES = 3
RETRY_HANDLERS = [
    AsyncConnectionErrorRetryHandler(),
    AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
    AsyncServerErrorRetryHandler(),
]

# Said instead of a reply Slack would not take; the turn itself is kept.
UNDELIVERED_REPLY = (
    "Sorry, Slack would not take my reply just now. Your conversation is kept: "
    'please ask again in a minute, or type "help" to see the topics I cover.'
)

# One unit a long line may be cut between: a Slack link <url|title> (its title may hold spaces) with
# whatever is stuck to it, or a run of non-space characters.
_WORD = re.compile(r"\S*<[^<>\n]*>\S*|\S+")


def slack_escape(text: str) -> str:
    """Slack reads &, < and > as control characters in message text; these are its escapes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_mrkdwn(text: str) -> str:
    """Reply text as Slack shows it: escaped, then its links as Slack's <url|title>."""
    return links_as_slack(slack_escape(text))


def slack_unescape(text: str) -> str:
    """What a person typed: Slack sends &, < and > in message text as these escapes."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _cut_line(line: str, limit: int) -> Iterator[str]:
    """A line in pieces of at most `limit` characters, cut between words (never inside a link)."""
    if len(line) <= limit:
        yield line
        return
    piece = ""
    for word in _WORD.findall(line):
        while len(word) > limit:  # one "word" longer than a whole block: only a hard cut fits it
            if piece:
                yield piece
                piece = ""
            yield word[:limit]
            word = word[limit:]
        if piece and len(piece) + 1 + len(word) > limit:
            yield piece
            piece = word
        else:
            piece = f"{piece} {word}" if piece else word
    if piece:
        yield piece


def text_pieces(paragraph: str, limit: int = SECTION_TEXT_CHARS) -> list[str]:
    """A paragraph in pieces of at most `limit` characters, cut at line breaks where possible."""
    pieces: list[str] = []
    current = ""
    for line in paragraph.split("\n"):
        for part in _cut_line(line, limit):
            if current and len(current) + 1 + len(part) > limit:
                pieces.append(current)
                current = part
            else:
                current = f"{current}\n{part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def fallback_text(sections: list[str]) -> str:
    """The message's notification text: its sections, cut to FALLBACK_TEXT_CHARS at a line break."""
    whole = "\n\n".join(sections)
    first = text_pieces(whole, FALLBACK_TEXT_CHARS - 1)[0] if whole else ""
    return first if first == whole else first + "…"


def _label(title: str) -> str:
    return title if len(title) <= BUTTON_LABEL_CHARS else title[: BUTTON_LABEL_CHARS - 1] + "…"


def button_blocks(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Actions blocks of at most 25 buttons, each with an action_id unique in the message.

    A payload longer than Slack allows cannot be shortened without changing what it says: such a
    button is left out and logged (the assistant's own payloads are a few dozen characters).
    """
    elements = []
    for button in buttons:
        if len(button["payload"]) > BUTTON_VALUE_CHARS:
            logger.error("A button's payload is longer than Slack allows; the button is left out: %r", button)
            continue
        elements.append(
            {
                "type": "button",
                "action_id": f"button-{len(elements)}",
                "text": {"type": "plain_text", "text": _label(button["title"])},
                "value": button["payload"],
            }
        )
    return [
        {"type": "actions", "block_id": f"buttons-{start // BUTTONS_PER_ACTIONS_BLOCK}",
         "elements": elements[start : start + BUTTONS_PER_ACTIONS_BLOCK]}
        for start in range(0, len(elements), BUTTONS_PER_ACTIONS_BLOCK)
    ]  # fmt: skip


def reply_messages(text: str, buttons: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One reply as chat.postMessage arguments: one message, or more only if its blocks exceed one message's limits.

    Each paragraph is a mrkdwn section (a paragraph over 3,000 characters becomes several); the
    buttons come last, on the last message.
    """
    sections = [
        piece for paragraph in slack_mrkdwn(text).strip().split("\n\n") if paragraph.strip()
        for piece in text_pieces(paragraph.strip())
    ]  # fmt: skip
    actions = button_blocks(buttons or [])
    if not sections and not actions:
        return []
    messages: list[list[str]] = [[]]
    for section in sections:
        current = messages[-1]
        if current and (
            len(current) == BLOCKS_PER_MESSAGE or sum(map(len, current)) + len(section) > MESSAGE_TEXT_CHARS
        ):
            messages.append([section])
        else:
            current.append(section)
    if len(messages[-1]) + len(actions) > BLOCKS_PER_MESSAGE:
        messages.append([])
    return [
        {
            "text": fallback_text(message),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": section}} for section in message]
            + (actions if number == len(messages) - 1 else []),
        }
        for number, message in enumerate(messages)
    ]


class AdvisorSlackBot(SlackBot):
    """Posts each reply as one Block Kit message through the Web API at `api_url`, in the thread it belongs to."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str = DEFAULT_SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy, retry_handlers=RETRY_HANDLERS)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.deliver(recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.deliver(recipient_id, text, buttons)

    async def deliver(self, recipient_id: str, text: str, buttons: list[dict[str, Any]] | None = None) -> None:
        """Posts the reply; if Slack does not take it (after its retries), posts the apology instead. Never raises."""
        channel = self.slack_channel or recipient_id
        for message in reply_messages(text, buttons):
            try:
                await self._post_message(channel=channel, **message)
            # Whatever went wrong (an API error, a timeout, a refused connection), raising here would make
            # Rasa drop the whole turn, and the person would be asked the last question again.
            except Exception:
                logger.exception("Slack did not take a reply in %s; apologising instead.", channel)
                await self._apologise(channel)
                return

    async def _apologise(self, channel: str) -> None:
        try:
            await self._post_message(channel=channel, **reply_messages(UNDELIVERED_REPLY)[0])
        except Exception:  # Slack is unreachable or refuses everything: the log is all that is left.
            logger.exception("Slack did not take the apology in %s either.", channel)
