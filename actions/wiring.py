"""The action server's content, loaded and checked once when it starts: the only module-level state.

Broken content stops the action server with a clear error instead of failing in the middle of
someone's conversation. The actions read CONTENT and ROUTE_CONTENT from here and pass them to
the core's functions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from advisor.faq_content import load_content
from advisor.route.content import load_route_content

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

CONTENT = load_content(CONTENT_DIR, dt.date.today())
ROUTE_CONTENT = load_route_content(CONTENT_DIR, dt.date.today(), CONTENT)
