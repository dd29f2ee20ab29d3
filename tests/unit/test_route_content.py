"""The route advisor's content files: broken content is refused with a message naming the problem."""

import datetime as dt
import inspect
import shutil

import pytest
import yaml

from advisor.content_schema import ContentError
from advisor.faq_content import load_content
from advisor.route import rules
from advisor.route.content import load_route_content
from tests.conftest import CONTENT_DIR

TODAY = dt.date(2026, 11, 28)


def route_content(directory=CONTENT_DIR):
    return load_route_content(directory, TODAY, load_content(directory, TODAY))


@pytest.fixture
def content_copy(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    return tmp_path / "content"


def edit(directory, file_name, change):
    path = directory / file_name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_every_parameter_is_used_by_a_rule_or_an_advice_text():
    # The loader refuses a parameter without a source or a check date; an unused one would drift unnoticed.
    content = route_content()
    rules_source = inspect.getsource(rules)
    texts = " ".join(advice.reason for advice in content.advice.values())
    texts += " ".join(advice.label for advice in content.advice.values())
    for name in content.parameters:
        assert f'value("{name}"' in rules_source or f"{{{name}}}" in texts, name


def test_a_parameter_applies_from_the_date_of_its_value_so_a_new_rule_is_a_new_dated_value(content_copy):
    edit(
        content_copy, "route_parameters.yml", lambda d: d["phd_window_years"]["values"].update({dt.date(2027, 6, 1): 8})
    )
    parameter = route_content(content_copy).parameters["phd_window_years"]
    assert parameter.on(dt.date(2027, 5, 31)) == 10
    assert parameter.on(dt.date(2027, 6, 1)) == 8
    with pytest.raises(ContentError, match="no value before"):
        parameter.on(dt.date(2020, 1, 1))


def test_the_specialisms_carry_their_themes_and_synonyms():
    content = route_content()
    assert set(content.themes.values()) == {
        "Life Sciences", "Physical Sciences", "Physiological Sciences", "Clinical Biomedical Engineering",
        "Bioinformatics",
    }  # fmt: skip
    expected = {"MR": "MRI", "ultrasound physics": "ultrasound", "Radiation Protection": "radiation safety",
                "cardiac physiology": "cardiac science", "diagnostic radiology": "radiation safety",
                "radiotheraphy": "radiotherapy", "clinical biomedical engineering": "clinical engineering"}  # fmt: skip
    for typed, name in expected.items():
        assert content.specialism_named(typed) == name, typed
    assert content.specialism("clinical biochemistry").theme == "life_sciences"
    assert content.specialism("clinical engineering").theme == "clinical_biomedical_engineering"
    assert {name for name, each in content.specialism_details.items() if "ionising" in each.radiation} >= {
        "radiotherapy", "nuclear medicine", "radiation safety"}  # fmt: skip
    assert not content.specialism("ultrasound").radiation and content.specialism("MRI").radiation == {"mr"}
    buttons = content.questions["specialism"].buttons
    assert buttons[-1] == ("Other", "other") and ("MRI", "MRI") in buttons


@pytest.mark.parametrize(
    "file_name, change, problem",
    [
        ("route_advice.yml", lambda d: d["recommendations"]["route.hsse"].pop("sources"), "needs at least one source"),
        ("route_advice.yml", lambda d: d["recommendations"]["route.hsse"].update(sources=[]), "at least one source"),
        (
            "route_advice.yml",
            lambda d: d["recommendations"]["route.hsse"]["sources"][0].update(url="http://example.com/x"),
            "not a well-formed https link on an official domain",
        ),
        ("route_advice.yml", lambda d: d["recommendations"]["route.hsse"].update(reason="{salary}"), "salary"),
        ("route_advice.yml", lambda d: d["recommendations"]["route.hsse"].update(basis="rumour"), "basis"),
        ("route_advice.yml", lambda d: d["recommendations"]["route.hsse"].update(ipem_recommendations=[9]), "9"),
        ("route_advice.yml", lambda d: d.update(last_reviewed=dt.date(2099, 1, 1)), "in the future"),
        ("route_parameters.yml", lambda d: d["phd_window_years"].pop("source"), "phd_window_years"),
        ("route_parameters.yml", lambda d: d["phd_window_years"].pop("checked"), "checked must be a date"),
        (
            "route_parameters.yml",
            lambda d: d["phd_window_years"].update(values={dt.date(2026, 1, 1): "ten"}),
            "positive number",
        ),
        ("route_parameters.yml", lambda d: d["phd_window_years"].update(values={"soon": 10}), "not a date"),
        ("route_parameters.yml", lambda d: d["phd_window_years"].pop("values"), "values must map"),
        ("route_advice.yml", lambda d: d["recommendations"]["route.hsse"].update(label="{salary} a year"), "salary"),
        ("specialisms.yml", lambda d: d["specialisms"]["MRI"].update(theme="astrology"), "theme"),
        ("specialisms.yml", lambda d: d["specialisms"]["MRI"].update(radiation=["cosmic"]), "radiation"),
        ("route_questions.yml", lambda d: d["wte"].pop("text"), "text is missing"),
    ],
)
def test_broken_content_is_refused(content_copy, file_name, change, problem):
    edit(content_copy, file_name, change)
    with pytest.raises(ContentError, match=problem):
        route_content(content_copy)
