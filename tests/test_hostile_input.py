"""Hostile input: oversized requests, and fuzzed content files that must fail cleanly."""

from __future__ import annotations

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminar.content.lessons import parse_lesson_text
from seminar.content.problems import ContentError
from seminar.content.programs import parse_programs


def test_oversized_requests_are_refused_clearly(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "x" * (9 * 1024 * 1024)})
    assert response.status_code == 413
    assert "What you sent is too large." in response.get_data(as_text=True)


FRONT = st.sampled_from(["---\n", "---\ntitle: T\n---\n", "---\ntitle: [\n---\n", ""])
BODY = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400) | st.lists(
    st.sampled_from(
        [
            "# T",
            "## H {#x}",
            "![i](img/a.png)",
            "<script>x</script>",
            "!!! note",
            "    indented",
            "[^1]: f",
            "| a | b |",
            "---",
            "title: x",
            ": :",
            "- [x] a",
        ]
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=FRONT, body=BODY)
def test_lesson_parser_parses_or_reports_a_line(front: str, body: str) -> None:
    text = front + body
    try:
        lesson = parse_lesson_text(
            text, path="f.md", slug="f", module_slug="m", position=1, rel_path="m/f.md"
        )
    except ContentError as exc:
        assert exc.problems and all(p.line >= 1 for p in exc.problems)
    else:
        assert "<script" not in lesson.html


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(max_size=300)
    | st.lists(
        st.sampled_from(
            [
                "programs:",
                "  - slug: a",
                "    title: T",
                "    credential: C",
                "    requires:",
                "      lessons: all",
                "      quizzes:",
                "        - q",
                "        - q: 80",
                "      practical: yes",
                "    ce_hours: -1",
                "\t",
            ]
        ),
        max_size=12,
    ).map("\n".join)
)
def test_program_parser_parses_or_reports_a_line(text: str) -> None:
    try:
        parse_programs(text, path="program.yml")
    except ContentError as exc:
        assert exc.problems and all(p.line >= 1 for p in exc.problems)
