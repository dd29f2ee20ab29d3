"""The Slack Web API client the Slack channel replies through. It keeps every button as a Block Kit button.

Replies go to `api_url` (default Slack's own), so tests can point them at a fake.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.slack import SlackBot
from slack_sdk.web.async_client import AsyncWebClient

from advisor.render import links_as_slack

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# Block Kit limits: elements in one actions block, characters in a button's label.
BUTTONS_PER_ACTIONS_BLOCK = 25
BUTTON_LABEL_CHARS = 75


def slack_escape(text: str) -> str:
    """Slack reads &, < and > as control characters in message text; these are its escapes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_mrkdwn(text: str) -> str:
    """Reply text as Slack shows it: escaped, then its links as Slack's <url|title>."""
    return links_as_slack(slack_escape(text))


def slack_unescape(text: str) -> str:
    """What a person typed: Slack sends &, < and > in message text as these escapes."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _label(title: str) -> str:
    return title if len(title) <= BUTTON_LABEL_CHARS else title[: BUTTON_LABEL_CHARS - 1] + "…"


class AdvisorSlackBot(SlackBot):
    """Posts replies through the Web API at `api_url`; keeps every button as a Block Kit button."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str = DEFAULT_SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, slack_mrkdwn(text), **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        escaped = slack_mrkdwn(text)
        elements = [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": _label(button["title"])},
                "value": button["payload"],
            }
            for button in buttons
        ]
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": escaped}}] + [
            {"type": "actions", "elements": elements[start : start + BUTTONS_PER_ACTIONS_BLOCK]}
            for start in range(0, len(elements), BUTTONS_PER_ACTIONS_BLOCK)
        ]
        # `text` is what notifications and screen readers show for a message with blocks.
        await self._post_message(channel=self.slack_channel or recipient_id, text=escaped, blocks=blocks)
