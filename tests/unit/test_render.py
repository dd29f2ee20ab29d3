"""Links in reply text: written once as [title](url), shown the way each channel shows a link."""

from advisor.content_schema import Source
from advisor.render import links_as_plain, links_as_slack, sources_text


def test_sources_are_titled_links():
    text = sources_text([Source("NSHCS: HSST", "https://nshcs.hee.nhs.uk/programmes/hsst/")])
    assert text == "Sources:\n- [NSHCS: HSST](https://nshcs.hee.nhs.uk/programmes/hsst/)"


def test_a_terminal_shows_the_title_then_the_url():
    assert links_as_plain("- [NSHCS: HSST](https://a.nhs.uk/x)") == "- NSHCS: HSST: https://a.nhs.uk/x"


def test_slack_shows_its_own_link_syntax_and_a_bar_cannot_end_the_title():
    assert links_as_slack("see [A|B](https://a.nhs.uk/x).") == "see <https://a.nhs.uk/x|A/B>."


def test_text_that_only_looks_like_a_link_is_left_alone():
    for text in ["[no url]", "[ftp](ftp://a.b)", "(https://a.b) [x]", "[a](https://a.b c)"]:
        assert links_as_plain(text) == text
