"""The route advisor's content files: broken content is refused with a message naming the problem."""

import datetime as dt
import shutil

import pytest
import yaml

from actions.content import CONTENT_DIR, ContentError
from actions.route_content import load_route_content

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def content_copy(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    return tmp_path / "content"


def edit(directory, file_name, change):
    path = directory / file_name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_shipped_content_loads_and_every_parameter_has_a_source_and_date():
    content = load_route_content(today=TODAY)
    for parameter in content.parameters.values():
        assert parameter.source.url.startswith("https://")
        assert parameter.checked <= TODAY
    for advice in content.advice.values():
        assert advice.sources, advice.id


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
        load_route_content(content_copy, today=TODAY)
