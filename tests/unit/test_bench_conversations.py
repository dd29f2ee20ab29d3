"""The benchmark's dialogues are what people type: every message a non-empty string.

YAML reads an unquoted yes, no or 0.8 as a boolean or a number, which the REST channel
rightly refuses with a 400; the benchmark would then count our own typo as a server error.
"""

from tests.conftest import read_yaml


def test_every_benchmark_message_is_text():
    conversations = read_yaml("tools/bench/conversations.yml")["conversations"]
    assert len(conversations) >= 10
    for conversation in conversations:
        assert conversation, "an empty conversation"
        for message in conversation:
            assert isinstance(message, str) and message.strip(), (
                f"quote it in tools/bench/conversations.yml: {message!r}"
            )
