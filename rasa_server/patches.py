"""The one patch the Rasa server runs with: action responses checked against Rasa's schema, compiled once.

Rasa 3.6 (`RemoteAction._validate_action_result`) calls `jsonschema.validate(result, spec)`
after every custom action. `jsonschema.validate` first checks `spec` against the JSON Schema
meta-schema, and that check is most of the work: profiling `make bench` with py-spy showed
31% of the Rasa server's CPU time there (docs/performance.md). Here the schema is checked
once and the compiled validator is reused; the responses are checked exactly as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction


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


def install() -> None:
    """Makes every RemoteAction use the cached validator (idempotent)."""
    if not hasattr(RemoteAction, "_rasa_validate_action_result"):
        RemoteAction._rasa_validate_action_result = RemoteAction._validate_action_result
        RemoteAction._validate_action_result = _validate_action_result
