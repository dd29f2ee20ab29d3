"""Serves the widget's demo page (web/dist) on loopback, pointed at a given Rasa server.

Usage: serve_web.py PORT SERVER_URL. The launcher (tools/launch.py) starts it for `make run` and the
browser tests. Only for local use: a real site serves web/dist/advisor-widget.js itself.
"""

import html
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"


class DemoPageHandler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?")[0] not in ("/", "/index.html"):
            super().do_GET()
            return
        page = (DIST / "index.html").read_text(encoding="utf-8")
        body = page.replace("{{SERVER_URL}}", html.escape(self.server.server_url)).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: requests are not logged."""


def main() -> None:
    port, server_url = int(sys.argv[1]), sys.argv[2]
    if not (DIST / "advisor-widget.js").exists():
        sys.exit("web/dist is not built: run make web")
    with ThreadingHTTPServer(("127.0.0.1", port), partial(DemoPageHandler, directory=str(DIST))) as server:
        server.server_url = server_url
        server.serve_forever()


if __name__ == "__main__":
    main()
