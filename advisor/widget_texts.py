"""The website widget's texts (the `widget` section of content/interface.yml), checked as they load. No Rasa import.

The Rasa server serves them to the widget (rasa_server/channels/socketio.py), so the greeting, its
starter buttons and the notes are content, changed without rebuilding the widget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.content_schema import is_text, one_line, read_yaml, require

WHERE = "interface.yml: widget"
TEXTS = ("header_note", "greeting", "privacy_note", "start_over_question", "advice_page_title", "advice_page_note")
STARTERS = 3


def load_widget_texts(content_dir: Path) -> dict[str, Any]:
    """The texts, the starters as [{title, payload}], and `advice_intro`, by which the widget knows route advice."""
    interface = read_yaml(content_dir / "interface.yml")
    require(
        isinstance(interface, dict) and is_text(interface.get("advice_intro")),
        "interface.yml",
        "advice_intro is missing",
    )
    raw = interface.get("widget")
    require(isinstance(raw, dict), WHERE, "must be a mapping of texts")
    for key in TEXTS:
        require(is_text(raw.get(key)), WHERE, f"{key} is missing")
    starters = raw.get("starters")
    require(isinstance(starters, list) and len(starters) == STARTERS, WHERE, f"needs {STARTERS} starters")
    for starter in starters:
        require(
            isinstance(starter, dict)
            and is_text(starter.get("title"))
            and str(starter.get("payload", "")).startswith("/"),
            WHERE,
            f"a starter needs a title and a /intent payload: {starter!r}",
        )
    return {
        **{key: one_line(raw[key]) for key in TEXTS},
        "starters": [{"title": one_line(s["title"]), "payload": s["payload"]} for s in starters],
        "advice_intro": one_line(interface["advice_intro"]),
    }
