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
    return load_route_content(directory, TODAY, load_content(directory, dt.date.today()))


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
    for name in content.parameters:
        assert f'value("{name}")' in rules_source or f"{{{name}}}" in texts, name


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
        ("route_parameters.yml", lambda d: d["phd_window_years"].update(value="ten"), "positive number"),
        ("route_questions.yml", lambda d: d["wte"].pop("text"), "text is missing"),
    ],
)
def test_broken_content_is_refused(content_copy, file_name, change, problem):
    edit(content_copy, file_name, change)
    with pytest.raises(ContentError, match=problem):
        route_content(content_copy)
