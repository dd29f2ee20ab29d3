"""The same answers everywhere: the same conversations over REST, socket.io and Slack give the same texts and buttons.

One pair of servers runs with all three channels on (Slack aimed at a local fake Web API). Each channel
is driven by its real client protocol: REST requests, a python-socketio client, and signed Slack
Events API requests (a "/intent" payload is sent the way each client sends a button press: as the
message over REST and socket.io, as a block_actions click from Slack). Replies are then reduced to
what a person sees: the text, paragraph by paragraph, and the buttons in order.

To cover a new conversation, add it to CONVERSATIONS.
"""

import asyncio

import pytest
import socketio

from advisor.message_checks import MessageChecks
from advisor.render import links_as_slack
from tests.e2e.fake_slack import as_replies, message_event, new_id, post_click, post_event
from tests.e2e.servers import conversation

# Each conversation is a list of (what the user sends, a text its reply must contain). The second part keeps
# the comparison honest: three channels that all failed the same way would otherwise agree.
CONVERSATIONS = [
    [("Can I skip Part C if I have a PhD?", "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/")],
    [("What is HSSE?", "Sources:")],
    [("what can you do?", "Pick one"), ("/ask_part_time", "0.6")],
    [("hello", "HSST"), ("/ask_mpe", "Sources:")],
    [("zxqv blorf wibble", ""), ("/restart", "commands")],
    # Feedback: "Not helpful" under a topic page asks what was missing; a message nothing answers is the comment.
    [("/ask_hsse", "Sources:"), ('/feedback{"answer_id": "ask_hsse", "helpful": false}', "What was missing?"),
     ("zxqv blorf wibble", "passed that on")],
    # The route advisor: its questions' buttons, a typed answer, a bad answer and the sourced advice.
    [("I'm an MRI physicist with a PhD from 2019, which route suits me?", "are you registered"),
     ('/inform{"registration": "clinical_scientist"}', "training to consultant level"),
     ("training", "Where do you work"), ('/inform{"nation": "england"}', "employed by the NHS"), ("yes", "nominate"),
     ("banana", "yes or a no"), ("yes", "relevant"), ('/inform{"phd_relevant": "yes"}', "expect to start"),
     ("2028", "full-time week"), ("0.8", "Imaging track")],
]  # fmt: skip


CHECKS = MessageChecks.from_settings()


def reaches_rasa(message: str) -> bool:
    """False for a message the channels' input checks answer themselves (the reply comes without a Rasa turn)."""
    return CHECKS.check(message).reply is None


def seen(replies: list[dict]) -> tuple[list[str], list[tuple[str, str]]]:
    """What a person sees: the paragraphs of text, and the buttons (label, payload) in order."""
    paragraphs = [part for reply in replies for part in reply.get("text", "").split("\n\n") if part.strip()]
    buttons = [(button["title"], button["payload"]) for reply in replies for button in reply.get("buttons", [])]
    return paragraphs, buttons


def over_rest(assistant, messages: list[str]) -> list[list[dict]]:
    sender = conversation()
    return [assistant.ask(sender, message) for message in messages]


async def _over_socketio(assistant, messages: list[str]) -> list[list[dict]]:
    session_id = conversation()
    received: list[dict] = []
    confirmations: asyncio.Queue = asyncio.Queue()
    client = socketio.AsyncClient()
    client.on("bot_uttered", received.append)
    client.on("session_confirm", confirmations.put_nowait)

    async def session_request() -> None:
        # The server answers in order on one connection, so its confirmation also marks that every
        # bot_uttered sent before it has arrived.
        await client.emit("session_request", {"session_id": session_id})
        assert await asyncio.wait_for(confirmations.get(), 60) == session_id

    # Long polling: python-engineio's websocket client needs a newer aiohttp than Rasa 3.6 allows.
    await client.connect(assistant.base, transports=["polling"], socketio_path="/socket.io")
    try:
        await session_request()
        turns = []
        for sent, message in enumerate(messages, start=1):
            start = len(received)
            await client.emit("user_uttered", {"message": message, "session_id": session_id})
            if reaches_rasa(message):
                times = messages[:sent].count(message)
                await asyncio.to_thread(assistant.wait_until_answered, session_id, message, times)
            await session_request()
            turns.append(
                [
                    {"text": data.get("text", ""), "buttons": data.get("quick_replies") or []}
                    for data in received[start:]
                ]
            )
        return turns
    finally:
        # Closed without waiting out the pending long poll (about 30 s); the server ends the session on the close.
        await client.eio.disconnect(abort=True)


def over_socketio(assistant, messages: list[str]) -> list[list[dict]]:
    return asyncio.run(_over_socketio(assistant, messages))


def over_slack(assistant, fake, messages: list[str]) -> list[list[dict]]:
    user, channel = new_id("U"), new_id("D")
    turns = []
    for sent, message in enumerate(messages, start=1):
        start = len(fake.posts(channel))
        if reaches_rasa(message) and message.startswith("/"):
            assert post_click(assistant, user, channel, message).ok
        else:
            assert post_event(assistant, message_event(user, channel, message)).ok
        if reaches_rasa(message):
            assistant.wait_until_answered(user, message, messages[:sent].count(message))
        turns.append(as_replies(fake.posts(channel)[start:]))
    return turns


@pytest.mark.parametrize("turns", CONVERSATIONS, ids=[turns[0][0] for turns in CONVERSATIONS])
def test_rest_socketio_and_slack_show_the_same_texts_and_buttons(slack, turns):
    assistant, fake = slack
    messages = [message for message, _ in turns]
    rest = over_rest(assistant, messages)
    socket = over_socketio(assistant, messages)
    slack = over_slack(assistant, fake, messages)
    for (message, expected), rest_turn, socket_turn, slack_turn in zip(turns, rest, socket, slack, strict=True):
        paragraphs, buttons = seen(rest_turn)
        assert paragraphs and expected in "\n\n".join(paragraphs), message
        assert seen(socket_turn) == (paragraphs, buttons), f"socket.io differs from REST for {message!r}"
        # Slack writes links its own way, <url|title>; everything else is the same text.
        in_slack = [links_as_slack(paragraph) for paragraph in paragraphs]
        assert seen(slack_turn) == (in_slack, buttons), f"Slack differs from REST for {message!r}"
