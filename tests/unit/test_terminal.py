"""How `make shell` shows replies (rasa_server/terminal.py): wrapped to the width, links as title and URL,
buttons listed under the text; a typed line is sent as typed unless it is a button's title."""

import pytest

from actions.wiring import CONTENT
from advisor.render import LINK, render_answer
from rasa_server.terminal import BUTTON_HINT, bot_output, message_to_send, wrapped

BUTTONS = [{"title": "MRI", "payload": '/inform{"specialism": "mri"}'}, {"title": "Not sure", "payload": "/x"}]


@pytest.mark.parametrize("width", [40, 80, 120])
def test_every_line_of_an_answer_with_a_button_fits_the_width_and_nothing_is_lost(width):
    text = render_answer(CONTENT.answers["ask_part_c_exemption"], CONTENT)
    shown = bot_output({"text": text, "buttons": BUTTONS}, width)
    links = list(LINK.finditer(text))
    urls = [link["url"] for link in links]
    for line in shown.split("\n"):
        # Only a URL longer than the width may be longer; it stays whole so it can be copied.
        assert len(line) < width or line.strip() in urls, line
    assert " ".join(shown.split()).startswith(" ".join(text.split("\n")[0].split()))
    for link in links:
        assert link["title"] in " ".join(shown.split()) and link["url"] in shown.split()
    assert shown.endswith("[MRI]\n[Not sure]\n" + wrapped(BUTTON_HINT, width))


def test_links_show_their_title_then_the_url_and_list_items_hang():
    shown = wrapped("- [NSHCS: a page with a long title that wraps](https://nshcs.hee.nhs.uk/a/)", 30)
    assert shown.split("\n") == ["- NSHCS: a page with a long", "  title that wraps:", "  https://nshcs.hee.nhs.uk/a/"]


def test_typed_text_is_sent_as_typed_and_a_title_sent_unchanged_presses_its_button():
    assert message_to_send("I work in MRI, can I do HSST?", BUTTONS) == "I work in MRI, can I do HSST?"
    assert message_to_send("mri", BUTTONS) == '/inform{"specialism": "mri"}'
    assert message_to_send("Not sure", BUTTONS) == "/x"
    assert message_to_send("/stop", BUTTONS) == "/stop"
