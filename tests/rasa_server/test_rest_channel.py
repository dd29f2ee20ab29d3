"""The REST channel's check on request bodies, in-process (tests/e2e/test_rest.py sends them over HTTP)."""

import pytest

from rasa_server.channels.rest import request_problem


def test_a_well_formed_body_passes():
    assert request_problem({"sender": "someone", "message": "What is HSSE?"}) is None
    assert request_problem({"sender": "someone", "message": None}) is None  # an empty message, answered politely


@pytest.mark.parametrize(
    "body, problem",
    [
        ([1, 2], "JSON object"),
        ("hi", "JSON object"),
        ({"message": "hi"}, "'sender' is required"),
        ({"sender": "", "message": "hi"}, "'sender' is required"),
        ({"sender": 12, "message": "hi"}, "'sender' is required"),
        ({"sender": "has spaces", "message": "hi"}, "letters, digits"),
        ({"sender": "ok"}, "'message' is required"),
        ({"sender": "ok", "message": 42}, "must be a string"),
    ],
)
def test_malformed_bodies_are_named(body, problem):
    assert problem in request_problem(body)
