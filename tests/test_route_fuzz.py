"""A fuzzer over every route: each rule of the app's url_map, for every kind of principal, gets
generated query parameters, form fields and JSON bodies (huge and negative numbers, Unicode
digits and separators, NUL, direction marks, deep nesting, long strings, malformed UTF-8),
and must never answer 500 or show a traceback.

`make test` runs a few examples per route and principal; `make fuzz` (FUZZ_EXAMPLES=...) runs
many more. The routes and their URLs come from the access matrix, which declares every rule.
"""

from __future__ import annotations

import inspect
import json
import os
from typing import Any
from urllib.parse import parse_qsl

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminar.models import Cohort, User
from seminar.web import exam_forms, forms, level_forms, people_forms, session_forms
from seminar.web.form_base import Form
from tests.test_access_matrix import PRINCIPALS, ROUTES, build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))

# What views read besides form fields: query parameters, button names, JSON keys.
EXTRA_NAMES = [
    "page", "q", "role", "filter", "sort", "dir", "scope", "cohort", "code", "next", "action",
    "since", "until", "actor", "person", "seconds", "quiz", "stem", "choices", "correct",
    "leaderboard", "student", "reason-1", "position", "response", "question", "choice",
    "fields", "download", "preview", "save", "confirm",
]  # fmt: skip


def _form_field_names() -> list[str]:
    """Every field of every form, also with the prefixes pages give per-row forms."""
    names: set[str] = set()
    for module in (forms, people_forms, exam_forms, level_forms, session_forms):
        for _, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, Form) and form is not Form:
                names.update(n for n, _ in inspect.getmembers(form) if not n.startswith("_"))
    plain = sorted(n for n in names if n.islower() and n not in dir(Form))
    return plain + [f"{p}1-{n}" for p in ("c", "g") for n in plain[:12]]


FIELD_NAMES = _form_field_names() + EXTRA_NAMES

NASTY_TEXT = st.sampled_from(
    [
        "", " ", "0", "-1", "1.5", "99999999999999999999", "9" * 5_000, "²", "٣", "1e309",
        "NaN", "-Infinity", "\x00", "a\x00b", "\u202eevil", "\u200f", "\r\nX-Header: 1", "\r",
        "[" * 3_000, "{" * 3_000, "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../",
        "9999-12-31", "0001-01-01", "2026-02-30", "true", "null", "x" * 200_000,
    ]
) | st.text(max_size=40) | st.integers().map(str)  # fmt: skip


class Deep:
    """A list nested `depth` levels, written out only when sent (Python's own json module, and
    hypothesis printing a failing example, would recurse as deep as the server is asked to)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.depth})"


def _encode(value: Any) -> str:
    if isinstance(value, Deep):
        return "[" * value.depth + "1" + "]" * value.depth
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    return json.dumps(value)


NAMES = st.sampled_from(FIELD_NAMES)
NASTY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NAMES, inner, max_size=4),
    max_leaves=12,
) | st.builds(Deep, st.integers(min_value=500, max_value=100_000))

QUERY = st.dictionaries(NAMES, NASTY_TEXT, max_size=4)
BODY = st.one_of(
    st.tuples(st.just("form"), st.dictionaries(NAMES, NASTY_TEXT, max_size=6)),
    st.tuples(st.just("json"), st.dictionaries(NAMES, NASTY_JSON, max_size=4)),
    st.tuples(st.just("raw"), st.binary(max_size=200)),
)


def _send(client: FlaskClient, method: str, url: str, extra: dict[str, str], body: Any) -> Any:
    url, _, own = url.partition("?")  # some routes are declared with a query of their own
    query = [*parse_qsl(own), *extra.items()]
    kind, data = body
    if method == "GET":
        return client.get(url, query_string=query)
    if kind == "json":
        payload = _encode(data).encode()
        return client.post(url, query_string=query, data=payload, content_type="application/json")
    if kind == "raw":  # malformed UTF-8 and whatever else bytes can be
        return client.post(
            url, query_string=query, data=b"a=" + data,
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip
    return client.post(url, query_string=query, data=data)


def fuzz(client: FlaskClient, method: str, url: str, label: str) -> list[str]:
    """Send EXAMPLES generated requests to one route; what answered 500 or a traceback."""
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(query=QUERY, body=BODY)
    def hammer(query: dict[str, str], body: Any) -> None:
        response = _send(client, method, url, query, body)
        if response.status_code >= 500 or b"Traceback" in response.data:
            failures.append(f"{label}: {response.status_code} for {query!r:.200} {body!r:.200}")

    hammer()
    return failures


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_no_route_answers_500_whatever_is_sent(
    app: Flask, world: Cohort, make_user, teacher: User, principal: str
) -> None:
    w, clients = build_world(app, world, make_user, teacher)
    # Logging out ends this principal's session: that route goes last.
    routes = sorted(ROUTES.items(), key=lambda item: item[0] == "auth.logout")
    failures = [
        failure
        for endpoint, (method, url_of, _, _) in routes
        for failure in fuzz(
            clients[principal], method, url_of(w), f"{endpoint} {method} as {principal}"
        )
    ]
    assert failures == [], "\n".join(failures)
