"""The action server's web app: rasa-sdk's app, on loopback unless told otherwise, refusing malformed calls.

`rasa run actions` listens on every interface (only SANIC_HOST changes that), allows every CORS
origin unless told, and answers a body that is not JSON, or not an action call, with a 500 from
its catch-all error handler. This launcher builds the same app with `rasa_sdk.endpoint.create_app`
and adds what production needs:

- it listens on ACTIONS_HOST (default 127.0.0.1) and ACTIONS_PORT (default 5055);
- CORS only for the origins in ALLOWED_ORIGINS (comma-separated; none by default, never "*");
- a request that is not an action call gets a 400 saying what is wrong, before rasa-sdk reads it;
- a wrong path, a wrong method or an unknown action gets its 4xx with a fixed message: rasa-sdk's
  catch-all answered them with a 500 that echoed the request body back;
- a burst of calls does not fail: a longer keep-alive timeout and a longer listen backlog.

Usage: python -m actions   (the settings come from the environment)
"""

from __future__ import annotations

import json
import logging
import os
import sys
import zlib
from http import HTTPStatus

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.server_settings import allowed_origins, apply_sanic_defaults

logger = logging.getLogger("action_server")

# What Rasa's tracker dump holds, and the types rasa-sdk's Tracker.from_dict expects.
_TRACKER_FIELDS = {"sender_id": str, "slots": dict, "latest_message": dict, "events": list, "active_loop": dict}


def action_call_problem(call: object) -> str | None:
    """Why a decoded /webhook body is not an action call rasa-sdk can run, or None when it is one."""
    if not isinstance(call, dict):
        return "the body must be a JSON object (an action call)"
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        return "'next_action' must name an action"
    tracker = call.get("tracker")
    if not isinstance(tracker, dict):
        return "'tracker' must be an object"
    for name, kind in _TRACKER_FIELDS.items():
        if name in tracker and not isinstance(tracker[name], kind):
            return f"'tracker.{name}' must be of type {kind.__name__}"
    if "sender_id" not in tracker:
        return "'tracker.sender_id' is required"
    if not all(isinstance(event, dict) for event in tracker.get("events", [])):
        return "'tracker.events' must be a list of objects"
    latest = tracker.get("latest_message", {})
    if not isinstance(latest.get("text") or "", str):
        return "'tracker.latest_message.text' must be a string"
    entities = latest.get("entities") or []
    if not (isinstance(entities, list) and all(isinstance(entity, dict) for entity in entities)):
        return "'tracker.latest_message.entities' must be a list of objects"
    if not isinstance(tracker.get("slots", {}).get("requested_slot") or "", str):
        return "'tracker.slots.requested_slot' must be a slot name"
    intent = latest.get("intent")
    if intent is not None and not (isinstance(intent, dict) and isinstance(intent.get("name", ""), (str, type(None)))):
        return "'tracker.latest_message.intent' must be an object with a 'name'"
    if not isinstance(call.get("domain", {}), dict):
        return "'domain' must be an object"
    if not isinstance(call.get("version", ""), str):
        return "'version' must be a string"
    return None


def _decoded_body(request: Request) -> object:
    body = request.body
    if request.headers.get("Content-Encoding") == "deflate":  # Rasa compresses when asked to
        body = zlib.decompress(body)
    return json.loads(body)


def build_app() -> Sanic:
    app = create_app("actions", cors_origins=allowed_origins())

    @app.on_request
    async def refuse_malformed_action_calls(request: Request) -> HTTPResponse | None:
        if request.path != "/webhook" or request.method != "POST":
            return None
        try:
            problem = action_call_problem(_decoded_body(request))
        except (ValueError, zlib.error):  # invalid JSON, bad UTF-8 or a broken deflate stream
            problem = "the body must be a JSON action call"
        if problem is None:
            return None
        return response.json({"error": problem}, status=400)

    @app.on_response
    async def name_no_unknown_action(request: Request, reply: HTTPResponse) -> HTTPResponse | None:
        # rasa-sdk's 404 for an unknown action repeats the name it was sent.
        if request.path == "/webhook" and reply.status == HTTPStatus.NOT_FOUND:
            return response.json({"error": "no action of that name"}, status=HTTPStatus.NOT_FOUND)
        return None

    async def fixed_error(request: Request, exception: Exception) -> HTTPResponse:
        status = exception.status_code if isinstance(exception, SanicException) else HTTPStatus.INTERNAL_SERVER_ERROR
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            logger.error("Handling %s %s failed.", request.method, request.path, exc_info=exception)
        return response.json({"error": HTTPStatus(status).phrase}, status=status)

    # Replaces rasa-sdk's catch-all, which answers everything with a 500 holding the request body.
    app.error_handler.add(Exception, fixed_error)
    return app


def configure_logging() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(name)s %(message)s")


def main() -> None:
    configure_logging()
    host = os.environ.get("ACTIONS_HOST", "127.0.0.1")
    port = int(os.environ.get("ACTIONS_PORT", "5055"))
    logger.info("Action server listening on http://%s:%s", host, port)
    apply_sanic_defaults()
    backlog = int(os.environ["SANIC_BACKLOG"])
    try:
        app = build_app()
    except ValueError as problem:  # a setting such as ALLOWED_ORIGINS is unusable
        sys.exit(str(problem))
    app.run(host, port, workers=1, access_log=False, backlog=backlog)
