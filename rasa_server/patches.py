"""The patches the Rasa server runs with (`install`, called by rasa_server/__main__.py).

1. Action responses checked against Rasa's schema, compiled once.

Rasa 3.6 (`RemoteAction._validate_action_result`) calls `jsonschema.validate(result, spec)`
after every custom action. `jsonschema.validate` first checks `spec` against the JSON Schema
meta-schema, and that check is most of the work: profiling `make bench` with py-spy showed
31% of the Rasa server's CPU time there (docs/performance.md). Here the schema is checked
once and the compiled validator is reused; the responses are checked exactly as before.

2. A failed action call has a voice. Rasa 3.6 waits 5 minutes for the action server
(`DEFAULT_REQUEST_TIMEOUT`; the HTTP request itself gave up after 60 s with a 503) and, when
the action server is down or answers with an error, logs it and sends nothing: the user saw
an empty reply. Here the wait is ACTION_TIMEOUT_SECONDS (default 5) and a failed call sends
content/interface.yml's `action_unavailable_reply`, and the turn's later actions are not called
(so a turn waits one timeout at most); the user's message stays
in the tracker, so asking again works. A rejection (ActionExecutionRejection, which forms use)
is Rasa's business and passes through.

3. Each message is encoded by MiniLM once. The crisis check (rasa_server/channels) and the NLU
featurizer both need the message's encoding, from the same model (build/minilm: the channels'
`encoder_path` and config.yml's `model_path`); the last ENCODINGS_REMEMBERED encodings are kept
by text, so the featurizer finds the one the crisis check made.

4. `GET /` answers without Rasa's version (Rasa's says "Hello from Rasa: 3.6.x", which tells an
attacker which advisories apply).

5. A request body over the limit (SANIC_REQUEST_MAX_SIZE, 64 KB) gets a 413 saying so in JSON, and
the hooks in BODY_TOO_LARGE_HOOKS run: the socket.io channel closes the engine.io session whose
POST it was, so that its client reconnects instead of waiting on a message that was refused.

6. Event classes found by name in a table rather than by a walk of every Event subclass.
Rasa 3.6 turns every stored event back into an object with `Event.resolve_by_type`, which walks
all Event subclasses (recursively, asking `inspect.isabstract` of each) until one has the event's
name; loading a 60-event conversation walks it 60 times. Here the names are looked up in a table
built from the same walk, in the same order, rebuilt when a name is missing (an Event subclass
imported since); names still missing get Rasa's own answer (docs/performance.md).

7. The intent classifier's weights laid out for one sparse message at a time
(rasa_server/nlu/linear.py): Rasa's LogisticRegressionClassifier otherwise has scipy copy its
weight matrix on every message. The same numbers, so the same intents and confidences.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import rasa.core.run
import yaml
from jsonschema import ValidationError, validators
from rasa.core.actions import action
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.utils.common import all_subclasses
from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request

from advisor.message_checks import DEFAULT_INTERFACE_PATH
from advisor.server_settings import RASA_SANIC_DEFAULTS, action_timeout_seconds
from rasa_server.nlu.linear import lay_out_for_sparse_rows
from rasa_server.nlu.sentence_encoder import SentenceEncoder

logger = logging.getLogger(__name__)
ROOT_REPLY = "The HSST advisor is running."


@lru_cache(maxsize=1)
def _response_validator():
    spec = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    return validator_class(spec)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
    except ValidationError:
        # Rasa's own method raises the same error with its explanation added.
        return RemoteAction._rasa_validate_action_result(self, result)
    return True


_EVENT_CLASSES: dict[str, type[Event]] = {}


def _event_classes() -> dict[str, type[Event]]:
    table: dict[str, type[Event]] = {}
    for event_class in all_subclasses(Event):
        table.setdefault(event_class.type_name, event_class)  # the first, as Rasa's walk returns
    return table


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    event_class = _EVENT_CLASSES.get(type_name)
    if event_class is None:
        _EVENT_CLASSES.clear()
        _EVENT_CLASSES.update(_event_classes())
        event_class = _EVENT_CLASSES.get(type_name)
    # Unknown names ("topic", custom names with a default, misspellings) as Rasa answers them.
    return event_class or Event._rasa_resolve_by_type(type_name, default)


@lru_cache(maxsize=1)
def action_unavailable_reply() -> str:
    interface = yaml.safe_load(Path(DEFAULT_INTERFACE_PATH).read_text(encoding="utf-8"))
    return " ".join(interface["action_unavailable_reply"].split())


def said_this_turn(tracker: Any, text: str) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.text == text:
            return True
    return False


async def _run_or_say_unavailable(self: RemoteAction, output_channel, nlg, tracker, domain) -> list:
    reply = action_unavailable_reply()
    if said_this_turn(tracker, reply):
        # An action of this turn failed already (a form's validation, say, before its next question):
        # the user has been told, and waiting out the timeout again would only delay that message.
        return []
    try:
        return await RemoteAction._rasa_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception as problem:  # unreachable, too slow (a TimeoutError), or an error status
        logger.warning("Action %s failed (%s); the user was asked to try again.", self.name(), type(problem).__name__)
        return [BotUttered(text=reply)]


# A burst of 500 conversations encodes 500 messages in the channels before the NLU reads them; an encoding
# of a typical question is about 30 KB.
ENCODINGS_REMEMBERED = 512
_encodings: OrderedDict = OrderedDict()


def _encode_once(self: SentenceEncoder, text: str):
    encoding = _encodings.get(text)
    if encoding is None:
        encoding = SentenceEncoder._uncached_encode(self, text)
        _encodings[text] = encoding
        if len(_encodings) > ENCODINGS_REMEMBERED:
            _encodings.popitem(last=False)
    else:
        _encodings.move_to_end(text)
    return encoding


async def _root_without_version(request: Request):
    if request.path == "/" and request.method in ("GET", "HEAD"):
        return response.text(ROOT_REPLY)
    return None


BODY_TOO_LARGE_HOOKS: list[Callable[[Request], Awaitable[None]]] = []


async def _body_too_large(request: Request, _: PayloadTooLarge):
    for hook in BODY_TOO_LARGE_HOOKS:
        await hook(request)
    limit = int(os.environ.get("SANIC_REQUEST_MAX_SIZE") or RASA_SANIC_DEFAULTS["SANIC_REQUEST_MAX_SIZE"])
    return response.json({"error": f"the request body is over the {limit // 1024} KB limit"}, status=413)


def _configure_app(*args: Any, **kwargs: Any) -> Sanic:
    app = rasa.core.run._rasa_configure_app(*args, **kwargs)
    app.register_middleware(_root_without_version, "request")
    app.error_handler.add(PayloadTooLarge, _body_too_large)
    return app


# `self` has no type hint: Rasa's graph validation would take a hinted `self` for a parameter to provide.
def _classify_with_laid_out_weights(self, messages: list[Message]) -> list[Message]:
    lay_out_for_sparse_rows(self.clf)
    return self._rasa_process(messages)


def install() -> None:
    """Installs the patches above (idempotent)."""
    if not hasattr(RemoteAction, "_rasa_validate_action_result"):
        RemoteAction._rasa_validate_action_result = RemoteAction._validate_action_result
        RemoteAction._validate_action_result = _validate_action_result
    if not hasattr(Event, "_rasa_resolve_by_type"):
        Event._rasa_resolve_by_type = staticmethod(Event.resolve_by_type)
        Event.resolve_by_type = staticmethod(_resolve_by_type)
    if not hasattr(RemoteAction, "_rasa_run"):
        RemoteAction._rasa_run = RemoteAction.run
        RemoteAction.run = _run_or_say_unavailable
    action.DEFAULT_REQUEST_TIMEOUT = action_timeout_seconds()
    if not hasattr(SentenceEncoder, "_uncached_encode"):
        SentenceEncoder._uncached_encode = SentenceEncoder.encode
        SentenceEncoder.encode = _encode_once
    if not hasattr(LogisticRegressionClassifier, "_rasa_process"):
        LogisticRegressionClassifier._rasa_process = LogisticRegressionClassifier.process
        LogisticRegressionClassifier.process = _classify_with_laid_out_weights
    if not hasattr(rasa.core.run, "_rasa_configure_app"):
        rasa.core.run._rasa_configure_app = rasa.core.run.configure_app
        rasa.core.run.configure_app = _configure_app
