"""The crisis and distress detector (advisor/distress.py) and its reply, on the held-out set written before it.

docs/security.md reports the figures measured here; the assertions hold the detector to them.
"""

from pathlib import Path

import pytest

from advisor import render
from advisor.content_schema import is_official_url
from advisor.distress import DistressDetector, load_crisis, normalised
from rasa_server.nlu.sentence_encoder import SentenceEncoder
from tests.conftest import ROOT, read_yaml

CRISIS = load_crisis(ROOT / "content/crisis.yml", ROOT / "content/official_domains.yml")
HELDOUT = read_yaml("tests/heldout/distress.yml")
# Measured on the held-out set (docs/security.md): the detector may not get worse than this.
MIN_HELDOUT_RECALL = 34 / 36
MAX_HELDOUT_FALSE_POSITIVES = 0


@pytest.fixture(scope="module")
def detector():
    encoder = SentenceEncoder(ROOT / "build" / "minilm")
    return DistressDetector(CRISIS, lambda text: encoder.encode(text).sentence_vector())


def test_the_heldout_set_is_not_in_the_detectors_data():
    data = {normalised(text) for text in CRISIS.crisis_examples + CRISIS.ordinary_examples}
    data |= {normalised(line) for line in (ROOT / "content/crisis.yml").read_text(encoding="utf-8").splitlines()}
    heldout = [normalised(text) for text in HELDOUT["crisis"] + HELDOUT["not_crisis"]]
    assert [text for text in heldout if text in data or f"- {text}" in data] == []


def test_the_heldout_set_has_both_kinds_and_the_idioms_the_issue_names():
    assert len(HELDOUT["crisis"]) >= 30 and len(HELDOUT["not_crisis"]) >= 30
    for idiom in ("this exam is killing me", "deadline is murder", "I'm dying to know"):
        assert any(text.startswith(idiom) for text in HELDOUT["not_crisis"])


def test_heldout_recall_and_false_positives(detector):
    found = [text for text in HELDOUT["crisis"] if detector.is_crisis(text)]
    false_alarms = [text for text in HELDOUT["not_crisis"] if detector.is_crisis(text)]
    assert len(found) / len(HELDOUT["crisis"]) >= MIN_HELDOUT_RECALL
    assert len(false_alarms) <= MAX_HELDOUT_FALSE_POSITIVES, false_alarms


@pytest.mark.parametrize("text", ["I want to kill myself", "I’m going to end it all", "SUICIDAL", "self-harm again"])
def test_phrases_match_in_any_case_and_with_curly_apostrophes(text):
    assert DistressDetector(CRISIS).phrase_match(text)


@pytest.mark.parametrize("text", ["this exam is killing me", "I'm dying to know the dates", "stop"])
def test_idioms_and_commands_are_not_crises(detector, text):
    assert not detector.is_crisis(text)


def test_the_meaning_check_finds_a_crisis_no_phrase_names(detector):
    text = "I feel there is nothing left for me now and I want everything to stop"
    assert not detector.phrase_match(text) and detector.meaning_match(text)


def test_without_an_encoder_only_the_phrases_run():
    assert not DistressDetector(CRISIS).meaning_match("I feel there is nothing left for me now")


def test_the_reply_signposts_the_nhs_routes_from_official_sources_and_offers_to_carry_on():
    reply = render.crisis_reply(CRISIS)
    for route in ("999", "NHS 111", "116 123"):
        assert route in reply
    domains = tuple(read_yaml("content/official_domains.yml")["domains"])
    assert CRISIS.sources and all(is_official_url(source.url, domains) for source in CRISIS.sources)
    assert all(render.link_text(source.title, source.url) in reply for source in CRISIS.sources)
    assert "route check" in reply and reply.endswith(CRISIS.carry_on)


def test_crisis_content_with_an_unofficial_source_is_refused(tmp_path):
    text = (
        (ROOT / "content/crisis.yml").read_text(encoding="utf-8").replace("https://111.nhs.uk/", "https://example.com/")
    )
    (tmp_path / "crisis.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="official domain"):
        load_crisis(Path(tmp_path / "crisis.yml"), ROOT / "content/official_domains.yml")
