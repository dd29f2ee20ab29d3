"""The widget's texts (content/interface.yml, widget section): complete, and starters that send real intents."""

import shutil

import pytest
import yaml

from advisor.content_schema import ContentError
from advisor.widget_texts import STARTERS, TEXTS, load_widget_texts
from tests.conftest import ROOT

CONTENT = ROOT / "content"


def test_the_texts_load_with_three_starters_whose_payloads_are_intents_of_the_domain():
    texts = load_widget_texts(CONTENT)
    assert all(texts[key] for key in TEXTS)
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
    assert len(texts["starters"]) == STARTERS
    assert {starter["payload"].removeprefix("/") for starter in texts["starters"]} <= intents
    assert texts["advice_intro"] == " ".join(
        yaml.safe_load((CONTENT / "interface.yml").read_text())["advice_intro"].split()
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda widget: widget.pop("privacy_note"), "privacy_note is missing"),
        (lambda widget: widget["starters"].pop(), "needs 3 starters"),
        (lambda widget: widget["starters"][0].update(payload="ask_hsse"), "a starter needs a title and a /intent"),
    ],
)
def test_incomplete_texts_stop_the_server_rather_than_show(tmp_path, change, problem):
    shutil.copy(CONTENT / "interface.yml", tmp_path / "interface.yml")
    interface = yaml.safe_load((tmp_path / "interface.yml").read_text())
    change(interface["widget"])
    (tmp_path / "interface.yml").write_text(yaml.safe_dump(interface))
    with pytest.raises(ContentError, match=problem):
        load_widget_texts(tmp_path)
