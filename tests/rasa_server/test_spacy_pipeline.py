"""The spaCy pipeline `make spacy` builds (spacy_pipeline.cfg, terms.yml, specialisms.yml): entities, lemmas."""

import pytest
import spacy

from tests.conftest import ROOT
from tools.build_spacy_patterns import all_terms

PIPELINE = ROOT / "build" / "spacy" / "pipeline"


@pytest.fixture(scope="module")
def nlp():
    assert PIPELINE.exists(), "build the pipeline first: make spacy"
    return spacy.load(PIPELINE)


def entities(nlp, text):
    return {(ent.label_, ent.ent_id_) for ent in nlp(text).ents}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "I'm an MRI physicist with a PhD from 2019, can I skip Part C?",
            {("specialism", "MRI"), ("qualification", "PhD")},
        ),
        (
            "can i do hsst part time at 0.6 wte",
            {("route", "HSST"), ("work_pattern", "part-time"), ("work_pattern", "0.6 WTE")},
        ),
        ("magnetic resonance imaging staff on the HSS register", {("specialism", "MRI"), ("register", "HSSR")}),
        ("Is HSSE better than the STP equivalence route?", {("route", "HSSE"), ("route", "STP equivalence")}),
        (
            "radiotherapy physicist, HCPC registered, thinking of a doctorate",
            {("specialism", "radiotherapy"), ("register", "HCPC"), ("qualification", "PhD")},
        ),
        ("LTFT in nuclear medicine", {("work_pattern", "part-time"), ("specialism", "nuclear medicine")}),
    ],
)
def test_domain_terms_are_recognised_and_normalised(nlp, text, expected):
    assert entities(nlp, text) == expected


def test_text_without_domain_terms_has_no_entities(nlp):
    assert entities(nlp, "what is the weather like in Leeds tomorrow") == set()


def test_every_term_variant_is_recognised_as_its_canonical_name(nlp):
    terms = all_terms(ROOT / "content" / "terms.yml")
    for label, canonical_names in terms.items():
        for canonical, variants in canonical_names.items():
            for variant in variants:
                assert (label, canonical) in entities(nlp, f"about {variant} please"), variant


def test_lookup_lemmatizer_gives_base_forms(nlp):
    lemmas = [token.lemma_ for token in nlp("applying studies trainees were exempted")]
    assert lemmas == ["apply", "study", "trainee", "be", "exempt"]
