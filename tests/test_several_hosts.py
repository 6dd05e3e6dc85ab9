"""Several hosts: two app servers on one PostgreSQL database, sharing only their keys.

Each host has its own instance folder and its own gunicorn; a browser moves between them as a
load balancer without sticky sessions would send it. A student logs in on one and carries on
on the other; a live question is hosted on one while the students answer on the other.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from seminar import create_app
from seminar.core import credentials
from seminar.db import db, now_utc
from seminar.services import cohorts as cohort_service
from seminar.services import sessions as session_service
from seminar.services.accounts import create_user
from tests.conftest import PASSWORD, PROGRAM, QUIZ, SAMPLE_LESSONS, base_config, write_lessons
from tests.pgserver import PgCluster
from tests.served_app import REPO, AppServer, Browser, server_env

pytestmark = pytest.mark.postgres

FLASK = Path(sys.executable).parent / "flask"
PUBLIC = "http://seminar.example.org"
Hosts = tuple[AppServer, AppServer, int, Path]  # host A, host B, a session's id, the issuer key
SECRET = "the same secret on every host"
TEACHER = "teacher@example.org"
STUDENTS = ["ann@example.org", "bob@example.org"]


def flask_cli(env: dict[str, str], *args: str) -> str:
    """Run a `flask` command as an operator would, from the repository root."""
    done = subprocess.run(
        [str(FLASK), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def seed(url: str, tmp_path: Path, lessons: Path) -> int:
    """People, a cohort and a session under way; the id of the session."""
    with pytest.MonkeyPatch.context() as mp:  # module scope: the autouse isolation is not on yet
        mp.setenv("SEMINAR_INSTANCE_PATH", str(tmp_path / "instance-seed"))
        app = create_app(base_config(url, tmp_path, lessons))
    with app.app_context():
        cohort = cohort_service.create_cohort("spring", title="Spring", program_slug="basic")
        teacher = create_user(TEACHER, role="instructor", name="Tea Cher", password=PASSWORD)
        cohort_service.enroll(cohort, teacher, cohort_service.MemberRole.INSTRUCTOR)
        for email in STUDENTS:
            student = create_user(email, role="student", name=email.split("@")[0].title(),
                                  password=PASSWORD)  # fmt: skip
            cohort_service.enroll(cohort, student)
        start = now_utc() - timedelta(minutes=15)
        seminar = session_service.create_session(
            cohort,
            title="Day one",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            location="",
            ce_hours=3,
            lessons=[],
        )
        session_id = seminar.id
        db.session.commit()  # the end of this unit of work
        db.session.remove()
        db.engine.dispose()
    return session_id


@pytest.fixture(scope="module")
def hosts(pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosts]:
    """Both hosts, set up once for this module's tests (which touch different data)."""
    tmp_path = tmp_path_factory.mktemp("several-hosts")
    url = pg_cluster.create_database("several_hosts")
    lessons = write_lessons(tmp_path / "lessons", {**SAMPLE_LESSONS, "program.yml": PROGRAM})
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "check.md").write_text(QUIZ)
    issuer_key = tmp_path / "issuer_key.pem"
    credentials.load_or_create_key(issuer_key)  # made once, handed to every host
    env_a, env_b = (
        server_env(url, tmp_path / f"instance-{name}", lessons, quizzes, SECRET)
        # Behind one load balancer both hosts have one public address, which key ids are built on.
        | {"SEMINAR_ISSUER_KEY_FILE": str(issuer_key), "SEMINAR_BASE_URL": PUBLIC}
        for name in ("a", "b")
    )
    # Once, from one host, as README.md says.
    flask_cli(env_a, "db", "upgrade")
    assert "check.md" in flask_cli(env_a, "seminar", "sync")
    session_id = seed(url, tmp_path, lessons)
    host_a = AppServer(env_a, tmp_path / "host-a.log", workers=2)
    host_b = AppServer(env_b, tmp_path / "host-b.log", workers=2)
    try:
        host_a.start()
        host_b.start()
        yield host_a, host_b, session_id, issuer_key
    finally:
        host_a.stop()
        host_b.stop()


def test_a_student_logs_in_on_one_host_and_carries_on_on_the_other(hosts: Hosts) -> None:
    host_a, host_b, _, _ = hosts
    on_a = Browser(host_a.base)
    on_a.log_in(STUDENTS[0], PASSWORD)
    on_b = on_a.at(host_b.base)

    path = on_b.get("/path")
    assert path.status == 200 and "Ann" in path.text and "Spring" in path.text
    stranger = Browser(host_b.base).get("/path", follow=False)
    assert stranger.status == 302 and stranger.location == "/login"  # the cookie is what counts

    on_a.get("/quizzes/check")
    started = on_a.post("/quizzes/check/start")
    attempt = started.location
    assert started.status == 302 and "/attempts/" in attempt
    page = on_b.get(attempt)
    assert page.status == 200 and "Which bone is at the base of the spine?" in page.text
    submitted = on_b.post(
        attempt, {"page": "1", "q1-shown": "1", "q1": "1", "q2-shown": "1", "q2": "true",
                  "action": "submit"},
    )  # fmt: skip
    assert submitted.status == 302 and submitted.location == attempt + "/review"
    review = on_a.get(attempt + "/review")
    assert review.status == 200 and "100%" in review.text


def test_a_live_question_hosted_on_one_host_and_answered_on_the_other(hosts: Hosts) -> None:
    host_a, host_b, session_id, _ = hosts
    teacher = Browser(host_a.base)
    teacher.log_in(TEACHER, PASSWORD)
    teacher.get(f"/sessions/{session_id}")
    created = teacher.post(
        f"/sessions/{session_id}/live", {"quiz": "check", "seconds": "120", "leaderboard": "on"}
    )
    assert created.status == 302 and created.location.endswith("/host")
    live = created.location.removesuffix("/host")

    phones = []
    for email in STUDENTS:
        phone = Browser(host_b.base)
        phone.log_in(email, PASSWORD)
        phone.get(live)
        assert phone.post(f"{live}/join").status == 302
        phones.append(phone)
    teacher.get(f"{live}/host")
    assert teacher.post(f"{live}/next").status == 302

    # Ann picks the right answer (Sacrum, choice 1), Bob the wrong one.
    for phone, choice in zip(phones, (1, 0), strict=True):
        state = phone.get(f"{live}/state.json").json()
        assert state["status"] == "open", state
        answered = phone.post(
            f"{live}/answer", json={"question": state["question"]["id"], "choice": choice}
        )
        assert answered.status == 200 and answered.json() == {"received": True, "choice": choice}

    assert teacher.get(f"{live}/state.json").json()["answers"] == 2
    assert teacher.post(f"{live}/close").status == 302
    results = teacher.get(f"{live}/state.json").json()
    assert results["status"] == "closed"
    assert results["counts"] == [1, 1] and results["question"]["correct"] == [1]
    assert results["leaderboard"][0]["name"] == "Ann"


def test_both_hosts_publish_the_one_issuer_key(hosts: Hosts) -> None:
    host_a, host_b, _, issuer_key = hosts
    thumbprint = credentials.load_or_create_key(issuer_key).thumbprint()
    published = [Browser(h.base).get("/.well-known/jwks.json") for h in (host_a, host_b)]
    assert [p.status for p in published] == [200, 200]
    key_a, key_b = (p.json() for p in published)
    assert key_a == key_b
    kid = f"{PUBLIC}/.well-known/jwks.json#{thumbprint}"
    assert [key["kid"] for key in key_a["keys"]] == [kid]
