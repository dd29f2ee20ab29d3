"""The patches: the cached action-response check accepts and refuses exactly what Rasa's own check does;
the event-class table finds the classes Rasa's walk finds; a slow, unreachable or failing action server gets
the "try again" reply (a slow fake action server here, the real one stopped and frozen in
tests/e2e/test_faults.py)."""

import asyncio
import time

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from advisor.server_settings import DEFAULT_ACTION_TIMEOUT_SECONDS
from rasa_server import patches as action_response_check
from rasa_server.patches import action_unavailable_reply

GOOD = [
    {"events": [], "responses": [{"text": "hi"}]},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []},
    {},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": "text"},
]


@pytest.fixture(scope="module")
def action():
    action_response_check.install()
    return RemoteAction("action_answer_question", None)


@pytest.mark.parametrize("result", GOOD)
def test_valid_responses_pass(action, result):
    assert action._validate_action_result(result) is True
    assert action._rasa_validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_responses_raise_rasa_s_explained_error(action, result):
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(result)
    assert "Failed to validate Action server response" in ours.value.message
    with pytest.raises(ValidationError):
        action._rasa_validate_action_result(result)


def test_install_is_idempotent():
    action_response_check.install()
    action_response_check.install()
    assert RemoteAction._rasa_validate_action_result is not RemoteAction._validate_action_result


def test_event_classes_come_from_the_table_exactly_as_rasa_finds_them():
    action_response_check.install()
    names = {event_class.type_name for event_class in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is Event._rasa_resolve_by_type(name)
    # Names Rasa answers without a class of its own: the old "topic" event, a default, an unknown name.
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_an_event_class_defined_after_the_table_was_built_is_found():
    action_response_check.install()
    Event.resolve_by_type("slot")  # the table is built

    class LateEvent(Event):
        type_name = "late_event_for_this_test"

        def as_story_string(self) -> None:
            return None

        def __eq__(self, other) -> bool:
            return isinstance(other, LateEvent)

        __hash__ = Event.__hash__

    assert Event.resolve_by_type("late_event_for_this_test") is LateEvent


class FakeActionServer:
    """An action server on a thread of its own that answers every call after `delay` seconds with `status`."""

    def __init__(self, delay: float, status: int = 200, body: bytes = b'{"events": [], "responses": []}') -> None:
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body)
                except BrokenPipeError:  # the caller gave up waiting, as it should
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_action(url: str, events: list) -> list:
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    tracker = DialogueStateTracker.from_events("someone", events)
    action = RemoteAction("action_answer_question", EndpointConfig(url))
    return asyncio.run(action.run(CollectingOutputChannel(), None, tracker, Domain.empty()))


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "1")
    action_response_check.install()
    yield
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", str(DEFAULT_ACTION_TIMEOUT_SECONDS))
    action_response_check.install()


def test_a_slow_action_server_gets_the_try_again_reply_after_the_timeout(short_timeout):
    slow = FakeActionServer(delay=5)
    try:
        started = time.monotonic()
        events = run_action(slow.url, [UserUttered("What is HSSE?")])
        assert time.monotonic() - started < 4
    finally:
        slow.close()
    assert [(type(event), event.text) for event in events] == [(BotUttered, action_unavailable_reply())]
    assert "try again in a minute" in action_unavailable_reply()


def test_the_try_again_reply_is_sent_once_per_turn_and_later_actions_are_not_called(short_timeout):
    said = [UserUttered("What is HSSE?"), BotUttered(action_unavailable_reply())]
    slow = FakeActionServer(delay=5)
    try:
        started = time.monotonic()
        assert run_action(slow.url, said) == []
        assert time.monotonic() - started < 1
    finally:
        slow.close()
    assert len(run_action("http://127.0.0.1:9/webhook", [*said, UserUttered("again")])) == 1


def test_an_error_status_gets_the_try_again_reply_and_a_rejection_passes_through(short_timeout):
    broken = FakeActionServer(delay=0, status=500, body=b"{}")
    rejecting = FakeActionServer(delay=0, status=400, body=b'{"action_name": "action_answer_question", "error": "no"}')
    try:
        assert run_action(broken.url, [UserUttered("hi")])[0].text == action_unavailable_reply()
        with pytest.raises(ActionExecutionRejection):
            run_action(rejecting.url, [UserUttered("hi")])
    finally:
        broken.close()
        rejecting.close()


def test_a_message_is_encoded_once_for_the_crisis_check_and_the_nlu():
    from rasa_server.nlu.sentence_encoder import SentenceEncoder
    from tests.conftest import ROOT

    action_response_check.install()
    calls = []
    original = SentenceEncoder._uncached_encode
    SentenceEncoder._uncached_encode = lambda self, text: calls.append(text) or original(self, text)
    try:
        channel, featurizer = SentenceEncoder(ROOT / "build/minilm"), SentenceEncoder(ROOT / "build/minilm")
        text = f"What is HSSE? {time.time()}"
        assert channel.encode(text) is featurizer.encode(text)
        assert calls == [text]
    finally:
        SentenceEncoder._uncached_encode = original


def test_the_intent_classifier_scores_with_weights_laid_out_for_sparse_rows():
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    from rasa_server.nlu.linear import lay_out_for_sparse_rows

    action_response_check.install()
    assert LogisticRegressionClassifier.process is not LogisticRegressionClassifier._rasa_process
    rng = np.random.default_rng(0)
    features = sparse.random(60, 500, density=0.05, format="csr", random_state=1)
    classifier = LogisticRegression(max_iter=500).fit(features, rng.integers(0, 4, 60))
    assert not classifier.coef_.T.flags.c_contiguous  # scipy would copy it for every message
    before = classifier.predict_proba(features[:5])
    lay_out_for_sparse_rows(classifier)
    assert classifier.coef_.T.flags.c_contiguous
    np.testing.assert_array_equal(classifier.predict_proba(features[:5]), before)
