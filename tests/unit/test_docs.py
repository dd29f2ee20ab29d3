"""The docs say what the code does: the route advisor's tables are the generated ones, and the README stays short."""

import re

from tests.conftest import ROOT
from tools import doc_tables

README = ROOT / "README.md"


def test_the_rule_and_parameter_tables_are_generated_from_the_code():
    page = doc_tables.PAGE.read_text(encoding="utf-8")
    expected = doc_tables.with_tables(page, doc_tables.shipped_route_content())
    assert page == expected, "run `python -m tools.doc_tables` to regenerate docs/route-advisor.md's tables"


def test_every_rule_and_parameter_is_in_the_tables():
    page = doc_tables.PAGE.read_text(encoding="utf-8")
    route = doc_tables.shipped_route_content()
    assert all(f"| `{rule.name}` |" in page for rule in doc_tables.RULES)
    assert all(f"| `{name}` |" in page for name in route.parameters)


def test_the_readme_is_at_most_10_kb_and_links_every_page_in_docs():
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 10 * 1024
    linked = set(re.findall(r"\(docs/([a-z-]+\.md)", text))
    assert {path.name for path in (ROOT / "docs").glob("*.md")} <= linked


# Code spans and fenced blocks show link syntax (`[title](url)`) without being links.
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def test_links_between_the_docs_point_at_files_that_exist():
    for page in [README, *(ROOT / "docs").glob("*.md")]:
        prose = CODE.sub("", page.read_text(encoding="utf-8"))
        for target in re.findall(r"\]\(((?!https?:|#)[^)#]+)", prose):
            assert (page.parent / target).exists(), f"{page.name} links to a missing {target}"
