"""The route advisor's rule, parameter and specialism tables in docs/route-advisor.md, generated from code and content.

The tables sit between `<!-- NAME:start -->` and `<!-- NAME:end -->` for NAME in rules, parameters and
specialisms. `python -m tools.doc_tables` rewrites them; tests/unit/test_docs.py fails when the page
no longer matches what this module generates, so the tables cannot drift from the code.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import sys
from pathlib import Path

from advisor.faq_content import load_content
from advisor.route.content import RouteContent, load_route_content
from advisor.route.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "route-advisor.md"
ADVICE_ID = re.compile(r'"([a-z_]+\.[a-z0-9_]+)"')


def source_titles(route: RouteContent) -> dict[str, str]:
    """The title each official page has in the content, by URL."""
    titles = {parameter.source.url: parameter.source.title for parameter in route.parameters.values()}
    titles.update({source.url: source.title for advice in route.advice.values() for source in advice.sources})
    return titles


def rules_table(route: RouteContent) -> str:
    titles = source_titles(route)
    lines = ["| rule | encodes (official pages) | our reading? | can give |", "|---|---|---|---|"]
    for each in RULES:
        # The recommendation ids a rule can give are the ids written in its body.
        gives = [found for found in ADVICE_ID.findall(inspect.getsource(each.decide)) if found in route.advice]
        ids = ", ".join(f"`{advice_id}`" for advice_id in dict.fromkeys(gives))
        pages = "; ".join(f"[{titles[url]}]({url})" for url in each.reference)
        reading = "yes (see below)" if "Reading:" in (each.decide.__doc__ or "") else "no"
        lines.append(f"| `{each.name}` | {pages} | {reading} | {ids} |")
    return "\n".join(lines)


def parameters_table(route: RouteContent) -> str:
    lines = ["| parameter | values (from date: value) | meaning | source | checked |", "|---|---|---|---|---|"]
    for name, parameter in route.parameters.items():
        source = f"[{parameter.source.title}]({parameter.source.url})"
        values = ", ".join(f"{start}: {value}" for start, value in parameter.values)
        lines.append(f"| `{name}` | {values} | {parameter.meaning} | {source} | {parameter.checked} |")
    return "\n".join(lines)


def specialisms_table(route: RouteContent) -> str:
    lines = ["| theme | specialisms (notes the advice adds) |", "|---|---|"]
    for theme, theme_name in route.themes.items():
        names = []
        for name, each in route.specialism_details.items():
            if each.theme == theme:
                flags = (("ionising" in each.radiation, "MPE"), ("mr" in each.radiation, "MRSE"),
                         (each.competitive, "competitive"))  # fmt: skip
                notes = [note for flag, note in flags if flag]
                names.append(f"{name} ({', '.join(notes)})" if notes else name)
        lines.append(f"| {theme_name} | {'; '.join(names)} |")
    return "\n".join(lines)


def tables(route: RouteContent) -> dict[str, str]:
    return {"rules": rules_table(route), "parameters": parameters_table(route), "specialisms": specialisms_table(route)}


def with_tables(page: str, route: RouteContent) -> str:
    """`page` with each marked table replaced by the generated one."""
    for name, table in tables(route).items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        if not pattern.search(page):
            raise ValueError(f"{PAGE.name} has no <!-- {name}:start --> ... <!-- {name}:end --> block")
        page = pattern.sub(lambda match, table=table: match.group(1) + table + "\n" + match.group(2), page)
    return page


def shipped_route_content() -> RouteContent:
    content_dir, today = ROOT / "content", dt.date.today()
    return load_route_content(content_dir, today, load_content(content_dir, today))


def main() -> int:
    PAGE.write_text(with_tables(PAGE.read_text(encoding="utf-8"), shipped_route_content()), encoding="utf-8")
    print(f"Rewrote the tables in {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
