"""How `rasa shell` (`make shell`) shows replies and reads what is typed.

Rasa 3.6's console (rasa/core/channels/console.py) shows a message that has buttons as a
questionary menu whose title is the message text. The menu draws that title on one line, so every
line of an answer but the last is cut at the terminal's width, source URLs included; typing while the
menu is up drops the text and Enter picks the highlighted option (a typed question was once recorded
as the specialism "MRI"); and Ctrl-C in the menu crashes the chat loop, leaving both servers running.

Here every reply is printed wrapped to the terminal's width, links as "title: URL", and its buttons
are listed below it. The prompt is always a text box: what is typed is sent as typed, ↑ and ↓ put a
button's title in the box, and a title sent unchanged presses that button. Ctrl-C or Ctrl-D at the
prompt ends the chat the way /stop does, so Rasa stops and the launcher stops the action server.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import Any

from advisor.render import links_as_plain

PROMPT = "Your input -> "
BUTTON_HINT = "(↑ or ↓ picks a button, Enter sends it; or type your own answer)"
LIST_ITEM_INDENT = "  "


def terminal_width() -> int:
    return shutil.get_terminal_size().columns


def wrapped(text: str, width: int) -> str:
    """`text` with links as "title: URL", each line wrapped to `width`; list items keep a hanging indent.

    A URL longer than the width stays whole on a line of its own, so it can still be copied.
    """
    lines = []
    for line in links_as_plain(text).split("\n"):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        hanging = indent + LIST_ITEM_INDENT if stripped.startswith(("- ", "• ")) else indent
        lines += textwrap.wrap(
            stripped,
            width=max(width - 1, 20),
            initial_indent=indent,
            subsequent_indent=hanging,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return "\n".join(lines)


def button_list(buttons: Sequence[dict[str, Any]], width: int) -> str:
    titles = [wrapped(f"[{button.get('title', '')}]", width) for button in buttons]
    return "\n".join([*titles, wrapped(BUTTON_HINT, width)])


def bot_output(message: dict[str, Any], width: int) -> str:
    """What one bot message shows: its text, wrapped, then its buttons, if any."""
    parts = []
    if message.get("text"):
        parts.append(wrapped(message["text"], width))
    if message.get("buttons"):
        parts.append(button_list(message["buttons"], width))
    if message.get("image"):
        parts.append(f"Image: {message['image']}")
    return "\n".join(parts)


def message_to_send(typed: str, buttons: Sequence[dict[str, Any]]) -> str:
    """The payload of the button whose title was sent unchanged (case aside), otherwise the typed text."""
    for button in buttons:
        if str(button.get("title", "")).strip().casefold() == typed.casefold():
            return str(button.get("payload", typed))
    return typed


async def read_input(buttons: Sequence[dict[str, Any]]) -> str | None:
    """One line from the person; None when they press Ctrl-C or Ctrl-D, which ends the chat."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings

    titles = [str(button.get("title", "")) for button in buttons]
    bindings = KeyBindings()
    position = {"index": -1}

    def pick(step: int):
        def handler(event) -> None:
            if not titles:
                return
            position["index"] = (position["index"] + step) % len(titles)
            buffer = event.app.current_buffer
            buffer.text = titles[position["index"]]
            buffer.cursor_position = len(buffer.text)

        return handler

    bindings.add("down")(pick(1))
    bindings.add("up")(pick(-1))
    session = PromptSession(key_bindings=bindings)
    typed = ""
    while not typed:  # an empty line is not a message: ask again
        try:
            typed = (await session.prompt_async(PROMPT)).strip()
        except (KeyboardInterrupt, EOFError):
            return None
    return message_to_send(typed, buttons)


def install() -> None:
    """Makes `rasa shell` print and read through this module (idempotent; only the shell needs it)."""
    from rasa.core.channels import console

    def print_bot_output(message: dict[str, Any], is_latest_message: bool = False, **_: Any) -> None:
        # A blank line after each paragraph, as in the other channels' separate messages.
        print(bot_output(message, terminal_width()) + "\n", flush=True)

    async def get_user_input(previous_response: dict[str, Any] | None) -> str | None:
        if previous_response is not None:
            print_bot_output(previous_response)
        return await read_input((previous_response or {}).get("buttons") or [])

    console._print_bot_output = print_bot_output
    console._get_user_input = get_user_input
