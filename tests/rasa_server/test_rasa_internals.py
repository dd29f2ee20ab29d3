"""The cost of a Rasa upgrade: every private Rasa and engine.io internal this project relies on, in one list.

Each entry names the internal, what relies on it and why. The test checks that each still exists
with the shape we use, so an upgrade of Rasa (pinned at 3.6.21), rasa-sdk or python-engineio
fails here, by name, before it fails in a conversation. docs/architecture.md points here.
"""

import inspect

import engineio
import pytest
from rasa.core import lock_store, tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.channels import console
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.shared.core.events import Event

# (owner, attribute, used by, why)
INTERNALS = [
    (RemoteAction, "_validate_action_result", "rasa_server/patches.py",
     "replaced by a validator whose schema is compiled once (a third of the server's CPU)"),
    (SlackInput, "_is_user_message", "rasa_server/channels/slack.py", "which events are a person's messages"),
    (SlackInput, "_sanitize_user_message", "rasa_server/channels/slack.py", "drops the bot's @mention from text"),
    (SlackInput, "_get_interactive_response", "rasa_server/channels/slack.py", "a button click's payload"),
    (SlackInput, "_is_interactive_message", "rasa_server/channels/slack.py", "which requests are button clicks"),
    (SlackBot, "_post_message", "rasa_server/channels/slack_client.py", "posts Block Kit replies"),
    (engineio.AsyncServer, "_cors_headers", "rasa_server/channels/socketio.py",
     "emptied so that only Rasa's CORS sets Access-Control-Allow-Origin (two headers break browsers)"),
    (lock_store.RedisLockStore, "issue_ticket", "rasa_server/lock_store.py", "wrapped in a per-conversation mutex"),
    (lock_store.RedisLockStore, "update_lock", "rasa_server/lock_store.py", "wrapped in a per-conversation mutex"),
    (lock_store.RedisLockStore, "cleanup", "rasa_server/lock_store.py", "wrapped in a per-conversation mutex"),
    (console, "_print_bot_output", "rasa_server/terminal.py", "replaced: replies wrapped, buttons listed"),
    (console, "_get_user_input", "rasa_server/terminal.py", "replaced: a text prompt, typed text sent as typed"),
    (Event, "resolve_by_type", "rasa_server/patches.py", "replaced by a table of event classes by name"),
    (tracker_store.SQLTrackerStore, "_retrieve", "rasa_server/tracker_store.py",
     "marks a loaded tracker with how many of its events are stored"),
    (tracker_store.SQLTrackerStore, "_additional_events", "rasa_server/tracker_store.py",
     "the events a save writes, without Rasa's count query when the tracker is marked"),
    (tracker_store.SQLTrackerStore, "session_scope", "rasa_server/tracker_store.py, tools/purge.py",
     "the store's sessions, on the engine rasa_server/tracker_store.py replaces for SQLite"),
]  # fmt: skip


@pytest.mark.parametrize(
    "owner, attribute, used_by, why", INTERNALS, ids=[f"{o.__name__}.{a}" for o, a, *_ in INTERNALS]
)
def test_each_internal_we_rely_on_still_exists(owner, attribute, used_by, why):
    assert callable(getattr(owner, attribute, None)), f"{owner.__name__}.{attribute} is gone: fix {used_by} ({why})"


def test_slack_inputs_positional_arguments_are_those_guarded_slack_input_passes_in_order():
    # rasa_server/channels/slack.py: GuardedSlackInput.from_credentials passes these nine positionally.
    names = list(inspect.signature(SlackInput.__init__).parameters)[1:]
    assert names == [
        "slack_token", "slack_channel", "proxy", "slack_retry_reason_header", "slack_retry_number_header",
        "errors_ignore_retry", "use_threads", "slack_signing_secret", "conversation_granularity",
    ]  # fmt: skip


def test_the_redis_lock_store_keeps_its_client_and_key_prefix_where_ours_reads_them():
    # rasa_server/lock_store.py takes its mutex with self.red.lock(f"{self.key_prefix}..."), and
    # rasa_server/channels/slack.py keeps the Slack messages it answered in the same Redis (agent.lock_store.red).
    source = inspect.getsource(lock_store.RedisLockStore.__init__)
    assert "self.red =" in source and "self.key_prefix" in source


def test_rasa_shell_reads_and_prints_through_the_console_functions_terminal_py_replaces():
    # rasa_server/terminal.py replaces the module's functions; record_messages must look them up by name.
    source = inspect.getsource(console.record_messages)
    assert "_get_user_input(previous_response)" in source and "_print_bot_output(previous_response)" in source
