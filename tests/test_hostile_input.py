"""Hostile input: oversized requests and uploads, fuzzed content files that must fail cleanly,
path traversal in asset links, and the security headers and cookies."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from seminar import create_app
from seminar.core.content.lessons import parse_lesson_text
from seminar.core.content.problems import ContentError
from seminar.core.content.programs import parse_programs
from seminar.db import db
from seminar.extensions import limiter
from seminar.models import Invitation, User
from seminar.services.accounts import create_user
from tests.conftest import PASSWORD, login


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


# --- path traversal in asset links ------------------------------------------------------------

OUTSIDE = "must be a picture file"  # the message for a path that leaves the lessons folder
# Each image on its own line of the lesson body (line 5 onwards), with the message it earns.
TRAVERSALS = [
    ("../../etc/passwd", OUTSIDE),
    ("../../../secret.png", OUTSIDE),
    ("/etc/passwd.png", OUTSIDE),
    ("file:///etc/passwd.png", OUTSIDE),
    ("%2e%2e/%2e%2e/%2e%2e/secret.png", OUTSIDE),
    ("img/%2E%2E/%2e%2e/%2e%2e/%2e%2e/secret.png", OUTSIDE),
    ("..%2f..%2f..%2fsecret.png", OUTSIDE),
    ("%2Fetc%2Fpasswd.png", OUTSIDE),
    ("img/link-out.png", "not found"),  # a symlink to a file outside lessons/
    ("img/dir-out/secret.png", "not found"),  # through a symlinked folder
]


def _plant_links(lessons: Path, secret: Path) -> None:
    img = lessons / "01-basics" / "img"
    (img / "link-out.png").symlink_to(secret)
    (img / "dir-out").symlink_to(secret.parent, target_is_directory=True)
    (img / "alias.svg").symlink_to(img / "diagram.svg")  # a link that stays inside is fine


def test_traversing_image_paths_are_content_errors_with_their_line(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    lessons = Path(app.config["LESSONS_DIR"])
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for students")
    _plant_links(lessons, secret)
    body = "\n".join(f"![x]({src})" for src, _ in TRAVERSALS)
    lesson = lessons / "01-basics" / "03-traversal.md"
    lesson.write_text(f"---\ntitle: Traversal\n---\n\n{body}\n\n![fine](img/alias.svg)\n")
    result = runner.invoke(args=["seminar", "sync", "--check"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "03-traversal.md:" in line]
    expected = [
        f"03-traversal.md:{n}: image '{src}'" for n, (src, _) in enumerate(TRAVERSALS, start=5)
    ]
    assert len(errors) == len(TRAVERSALS), result.output
    for line, want, (_, message) in zip(errors, expected, TRAVERSALS, strict=True):
        assert want in line and message in line, (line, want)


def test_asset_route_refuses_traversal_and_links_out(
    client: FlaskClient, make_user, synced: None, app: Flask, tmp_path: Path
) -> None:
    lessons = Path(app.config["LESSONS_DIR"])
    secret = tmp_path / "secret.png"  # what a working traversal from lessons/ would reach
    secret.write_bytes(b"not for students")
    _plant_links(lessons, secret)
    login(client, make_user())
    assert client.get("/lessons/assets/01-basics/img/alias.svg").status_code == 200
    for url in (
        "/lessons/assets/01-basics/img/link-out.png",
        "/lessons/assets/01-basics/img/dir-out/secret.png",
        "/lessons/assets/../secret.png",
        "/lessons/assets/01-basics/../../secret.png",
        "/lessons/assets/01-basics/img/%2e%2e/%2e%2e/%2e%2e/secret.png",
        "/lessons/assets/%2E%2E%2Fsecret.png",
        "/lessons/assets/..%2f..%2fsecret.png",
        "/lessons/assets/%252e%252e/secret.png",
        "/lessons/assets/%2f" + str(secret).lstrip("/"),
        "/lessons/assets/" + str(secret),
        "/lessons/assets/01-basics/img/diagram.svg%00.png",
        "/lessons/first-lesson/../../secret.png",
        "/lessons/%2e%2e/%2e%2e/secret.png",
    ):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 404, url
        assert b"not for students" not in response.data, url


# --- security headers -------------------------------------------------------------------------


def _csp(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {d[0].lower(): d[1:] for d in directives}


def _assert_hardened(response: Any, where: str) -> None:
    headers = response.headers
    csp = _csp(headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None, where
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(
        scripts
    ), where
    assert csp.get("object-src", csp.get("default-src")) == ["'none'"], where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert headers.get("X-Frame-Options") == "DENY", where  # for browsers without CSP 2
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), where


def test_security_headers_on_pages_assets_and_error_pages(
    app: Flask, client: FlaskClient, make_reader, synced: None
) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    app.testing = False  # a real 500 page, not the exception raised into the test
    for url, status in (
        ("/login", 200),
        ("/no-such-page", 404),
        ("/boom", 500),
        ("/admin/users", 302),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        _assert_hardened(response, url)
    too_big = client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert too_big.status_code == 413
    _assert_hardened(too_big, "413")
    login(client, make_reader())
    for url, status in (
        ("/lessons/first-lesson", 200),
        ("/admin/users", 403),
        ("/lessons/assets/01-basics/img/diagram.svg", 200),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        _assert_hardened(response, url)


def _cookie(set_cookies: list[str], name: str) -> set[str]:
    (header,) = [h for h in set_cookies if h.startswith(f"{name}=")]
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_production_cookies_are_secure_httponly_and_lax(
    database_url: str, tmp_path: Path, lessons_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Configured as documented for production (an https SEMINAR_BASE_URL), a real login."""
    monkeypatch.setenv("SEMINAR_BASE_URL", "https://seminar.example.org")
    monkeypatch.setenv("SEMINAR_DATABASE_URL", database_url)
    monkeypatch.setenv("SEMINAR_SECRET_KEY", "production-like-secret")
    monkeypatch.setenv("SEMINAR_LESSONS_DIR", str(lessons_dir))
    # Its sweeper would outlive the test and submit other tests' attempts on this database.
    monkeypatch.setenv("SEMINAR_SWEEP_SECONDS", "0")
    app = create_app()
    assert app.config["WTF_CSRF_ENABLED"] is not False and not app.testing
    with app.app_context():
        limiter.reset()
        create_user("prod@example.org", name="Prod User", password=PASSWORD)
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    https = {"base_url": "https://seminar.example.org"}
    page = client.get("/login", **https).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    response = client.post(
        "/login",
        data={
            "email": "prod@example.org",
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": token.group(1),
        },
        headers={"Referer": "https://seminar.example.org/login"},
        **https,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    set_cookies = response.headers.getlist("Set-Cookie")
    for name in (app.config["SESSION_COOKIE_NAME"], "remember_token"):
        flags = _cookie(set_cookies, name)
        assert {"secure", "httponly", "samesite=lax"} <= flags, (name, flags)
    with app.app_context():
        db.engine.dispose()


# --- oversized uploads ------------------------------------------------------------------------


def _multipart(client: FlaskClient, url: str, **fields: Any) -> Any:
    return client.post(url, data=fields, content_type="multipart/form-data")


def _staff_client(client: FlaskClient, make_user) -> FlaskClient:
    login(client, make_user("admin"))
    return client


def test_uploads_above_the_request_limit_are_refused_with_the_limit(
    app: Flask, client: FlaskClient, make_user, world: Any
) -> None:
    _staff_client(client, make_user)
    huge = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for url, name in (
        ("/quizzes/manage/upload", "huge.gift"),
        (f"/cohorts/{world.slug}/import", "huge.csv"),
    ):
        response = _multipart(client, url, file=(io.BytesIO(huge), name), preview="Preview")
        assert response.status_code == 413, url
        page = response.get_data(as_text=True)
        assert "What you sent is too large." in page and "at most 8 MB" in page, url


def _csv_of(size: int, *, valid: str = "") -> str:
    """A CSV of about `size` bytes: rows that are skipped as errors, and one valid row."""
    head = f"email,name\n{valid}"
    row = "not-an-email,Someone\n"
    return head + row * max(0, (size - len(head)) // len(row))


def test_a_csv_file_larger_than_a_form_field_is_previewed_and_imported(
    app: Flask, client: FlaskClient, make_user, world: Any
) -> None:
    """The preview keeps the rows on the server (an import job), not in the page: a file
    larger than a form field may carry is previewed and imported; pasted text over that
    limit is refused with it."""
    _staff_client(client, make_user)
    url, limit = f"/cohorts/{world.slug}/import", app.config["MAX_FORM_MEMORY_SIZE"]
    over = _csv_of(limit + 1000, valid="fits@example.org,Fits Person\n")
    response = _multipart(client, url, file=(io.BytesIO(over.encode()), "big.csv"), preview="1")
    assert response.status_code == 302
    job = response.headers["Location"]
    assert "<strong>1</strong> new person to invite" in client.get(job).get_data(as_text=True)
    client.post(f"{job}/start")
    client.post(f"{job}/step")
    page = client.get(job).get_data(as_text=True)
    assert "Import done" in page and "The first 500 are shown" in page
    # Pasted text over the limit never reaches the view: a clear refusal naming the limit.
    response = _multipart(client, url, text=over, preview="1")
    assert response.status_code == 413
    assert f"at most {limit // 1000} kB of text" in response.get_data(as_text=True)


def test_quiz_file_too_large_to_save_is_refused_on_the_form(
    app: Flask, client: FlaskClient, make_user
) -> None:
    login(client, make_user("instructor"))
    url, limit = "/quizzes/manage/upload", app.config["MAX_FORM_MEMORY_SIZE"]
    quiz = "---\ntitle: Big\n---\n\n## Is this long? {#long}\n\n- [x] True\n- [ ] False\n\n> "
    over = quiz + "words " * ((limit + 1000) // 6)
    response = _multipart(client, url, file=(io.BytesIO(over.encode()), "big.md"), preview="1")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"larger than {limit // 1000} kB" in page and "Preview: not saved yet" not in page
    fits = quiz + "words " * ((limit - 1000) // 6)
    response = _multipart(client, url, file=(io.BytesIO(fits.encode()), "big.md"), preview="1")
    assert "Preview: not saved yet" in response.get_data(as_text=True)
    saved = _multipart(client, url, source=fits, filename="big.md", save="1")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/quizzes/big")


def test_csv_values_longer_than_an_account_holds_are_row_errors(
    client: FlaskClient, make_user, world: Any
) -> None:
    _staff_client(client, make_user)
    text = (
        "email,name,licence_number,licence_state\n"
        f"long@example.org,{'N' * 121},,\n"
        f"licence@example.org,Licence Person,{'L' * 61},\n"
        f"{'e' * 250}@example.org,Long Email,,\n"
        "ok@example.org,Ok Person,DC-1,NY\n"
    )
    preview = client.post(f"/cohorts/{world.slug}/import", data={"text": text, "preview": "1"})
    job = preview.headers["Location"]
    page = client.get(job).get_data(as_text=True)
    assert "the name is longer than 120 characters" in page
    assert "at most 60 characters each" in page and "not an email address" in page
    client.post(f"{job}/start")
    done = client.post(f"{job}/step", headers={"Accept": "application/json"}).get_json()
    assert (done["state"], done["invited"], done["skipped"]) == ("done", 1, 3)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the admin alone
    assert db.session.scalar(select(Invitation.email)) == "ok@example.org"  # no account yet
