"""The patches the Rasa server runs with: action responses checked against Rasa's schema, compiled once;
event classes found by name in a table rather than by a walk of every Event subclass.

Rasa 3.6 (`RemoteAction._validate_action_result`) calls `jsonschema.validate(result, spec)`
after every custom action. `jsonschema.validate` first checks `spec` against the JSON Schema
meta-schema, and that check is most of the work: profiling `make bench` with py-spy showed
31% of the Rasa server's CPU time there (docs/performance.md). Here the schema is checked
once and the compiled validator is reused; the responses are checked exactly as before.

Rasa 3.6 turns every stored event back into an object with `Event.resolve_by_type`, which walks
all Event subclasses (recursively, asking `inspect.isabstract` of each) until one has the event's
name; loading a 60-event conversation walks it 60 times. Here the names are looked up in a table
built from the same walk, in the same order, rebuilt when a name is missing (an Event subclass
imported since); names still missing get Rasa's own answer (docs/performance.md).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses


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


def install() -> None:
    """Makes every RemoteAction use the cached validator and Event use the table (idempotent)."""
    if not hasattr(RemoteAction, "_rasa_validate_action_result"):
        RemoteAction._rasa_validate_action_result = RemoteAction._validate_action_result
        RemoteAction._validate_action_result = _validate_action_result
    if not hasattr(Event, "_rasa_resolve_by_type"):
        Event._rasa_resolve_by_type = staticmethod(Event.resolve_by_type)
        Event.resolve_by_type = staticmethod(_resolve_by_type)
