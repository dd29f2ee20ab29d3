"""The Slack channel's pieces in-process: spotting repeats, and replies with every button as Block Kit.

tests/e2e/test_slack.py drives the same through signed requests and a fake Web API.
"""

import asyncio

from rasa_server.channels import slack
from rasa_server.channels.slack_client import BUTTONS_PER_ACTIONS_BLOCK, AdvisorSlackBot


def test_a_message_is_answered_the_first_time_only_and_old_ones_are_forgotten(monkeypatch):
    monkeypatch.setattr(slack, "REMEMBERED_MESSAGES", 3)
    channel = slack.GuardedSlackInput("xoxb-1", slack_signing_secret="secret")
    assert channel._first_time("C1:1.0") and not channel._first_time("C1:1.0")
    assert channel._first_time(None) and channel._first_time(None)  # nothing to recognise it by
    for key in ("C1:2.0", "C1:3.0", "C1:4.0"):
        assert channel._first_time(key)
    assert channel._first_time("C1:1.0")  # forgotten after three newer ones


def test_every_button_is_kept_in_actions_blocks_of_at_most_25_with_labels_shortened(monkeypatch):
    posted = []
    bot = AdvisorSlackBot("xoxb-1")

    async def post(**message):
        posted.append(message)

    monkeypatch.setattr(bot, "_post_message", post)
    buttons = [{"title": f"Topic {n} " + "x" * 80, "payload": f"/topic_{n}"} for n in range(30)]
    asyncio.run(bot.send_text_with_buttons("D1", "Pick one <of these> & more", buttons))
    (message,) = posted
    assert message["text"] == "Pick one &lt;of these&gt; &amp; more"
    actions = [block for block in message["blocks"] if block["type"] == "actions"]
    assert [len(block["elements"]) for block in actions] == [BUTTONS_PER_ACTIONS_BLOCK, 5]
    elements = [element for block in actions for element in block["elements"]]
    assert [element["value"] for element in elements] == [button["payload"] for button in buttons]
    assert all(len(element["text"]["text"]) <= 75 for element in elements)
