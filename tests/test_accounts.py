"""The account page, the admin's people page, and the user CLI."""

from __future__ import annotations

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from seminar.db import db
from seminar.models import Role, User
from seminar.services.accounts import find_user
from tests.conftest import PASSWORD, login


def test_account_page_updates_name_and_licence(client: FlaskClient, make_user) -> None:
    user = make_user()
    login(client, user)
    assert "Your account" in client.get("/account/").get_data(as_text=True)
    response = client.post(
        "/account/profile",
        data={"name": "Dr. Renamed", "licence_number": " DC-77 ", "licence_state": "Ontario"},
    )
    assert response.headers["Location"] == "/account/"
    db.session.refresh(user)
    assert (user.name, user.licence_number, user.licence_state) == (
        "Dr. Renamed",
        "DC-77",
        "Ontario",
    )


def test_account_profile_needs_a_name(client: FlaskClient, make_user) -> None:
    user = make_user()
    login(client, user)
    html = client.post("/account/profile", data={"name": ""}).get_data(as_text=True)
    assert 'id="name-error"' in html


def test_password_change(client: FlaskClient, make_user) -> None:
    user = make_user()
    login(client, user)
    new = "a much better passphrase"
    bad = client.post(
        "/account/password", data={"current": "not it at all", "new": new, "confirm": new}
    ).get_data(as_text=True)
    assert "The current password is not right." in bad
    short = client.post(
        "/account/password", data={"current": PASSWORD, "new": "short", "confirm": "short"}
    ).get_data(as_text=True)
    assert 'id="new-error"' in short
    mismatch = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "confirm": new + "x"}
    ).get_data(as_text=True)
    assert "The two passwords differ." in mismatch
    ok = client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert ok.status_code == 302
    client.post("/logout")
    assert login(client, user).status_code == 200  # old password refused
    assert login(client, user, new).status_code == 302


def test_admin_lists_and_filters_people(client: FlaskClient, make_user) -> None:
    admin = make_user("admin", name="Ada Admin")
    make_user("student", name="Stu Dent", email="stu@example.org")
    make_user("instructor", name="Ivy Teacher")
    login(client, admin)
    html = client.get("/admin/users").get_data(as_text=True)
    assert "Stu Dent" in html and "Ivy Teacher" in html and "3 people" in html
    html = client.get("/admin/users?q=stu@").get_data(as_text=True)
    assert "Stu Dent" in html and "Ivy Teacher" not in html
    html = client.get("/admin/users?role=instructor").get_data(as_text=True)
    assert "Ivy Teacher" in html and "Stu Dent" not in html
    html = client.get("/admin/users?q=nobody-matches").get_data(as_text=True)
    assert "No one matches" in html


def test_admin_changes_a_role(client: FlaskClient, make_user) -> None:
    admin = make_user("admin")
    student = make_user("student")
    login(client, admin)
    response = client.post(f"/admin/users/{student.id}/role", data={"role": "instructor"})
    assert response.status_code == 302
    db.session.refresh(student)
    assert student.role == Role.INSTRUCTOR
    refused = client.post(f"/admin/users/{student.id}/role", data={"role": "emperor"})
    assert refused.status_code == 400  # shown next to that person's role, on the same page
    assert f'id="role-{student.id}-error"' in refused.get_data(as_text=True)
    db.session.refresh(student)
    assert student.role == Role.INSTRUCTOR
    assert client.post("/admin/users/99999/role", data={"role": "admin"}).status_code == 404


def test_last_admin_cannot_be_demoted(client: FlaskClient, make_user) -> None:
    admin = make_user("admin")
    login(client, admin)
    response = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "student"}, follow_redirects=True
    )
    assert "last admin" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_non_admins_get_403(client: FlaskClient, make_user) -> None:
    student = make_user("student")
    for role in ("student", "instructor"):
        client.post("/logout")
        login(client, make_user(role))
        assert client.get("/admin/users").status_code == 403
        assert (
            client.post(f"/admin/users/{student.id}/role", data={"role": "admin"}).status_code
            == 403
        )
    db.session.refresh(student)
    assert student.role == Role.STUDENT


def test_cli_user_create_with_generated_password(
    runner: FlaskCliRunner, client: FlaskClient
) -> None:
    result = runner.invoke(
        args=[
            "seminar",
            "user",
            "create",
            "New@Example.org",
            "--name",
            "New Person",
            "--role",
            "instructor",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "created instructor new@example.org" in result.output
    password = result.output.split("password: ")[1].strip()
    assert login(client, "new@example.org", password).status_code == 302


def test_cli_user_create_password_stdin_and_errors(runner: FlaskCliRunner) -> None:
    args = ["seminar", "user", "create", "a@example.org", "--name", "A", "--password-stdin"]
    result = runner.invoke(args=args, input="long enough password\n")
    assert result.exit_code == 0 and "password:" not in result.output
    assert find_user("a@example.org").check_password("long enough password")
    again = runner.invoke(args=args, input="long enough password\n")
    assert again.exit_code == 1 and "already exists" in again.output
    short = runner.invoke(
        args=["seminar", "user", "create", "b@example.org", "--name", "B", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad_role = runner.invoke(
        args=["seminar", "user", "create", "c@example.org", "--name", "C", "--role", "king"]
    )
    assert bad_role.exit_code == 2


def test_cli_set_password(runner: FlaskCliRunner, make_user, client: FlaskClient) -> None:
    user = make_user()
    result = runner.invoke(args=["seminar", "user", "set-password", user.email])
    assert result.exit_code == 0
    password = result.output.split("password: ")[1].strip()
    assert login(client, user, password).status_code == 302
    missing = runner.invoke(args=["seminar", "user", "set-password", "ghost@example.org"])
    assert missing.exit_code == 1


def test_cli_demo_seeds_once_and_prints_logins(
    runner: FlaskCliRunner, app, client: FlaskClient
) -> None:
    first = runner.invoke(args=["seminar", "demo"])
    assert first.exit_code == 0, first.output
    after = first.output.split("Demo accounts (role, email, password):\n", 1)[1]
    lines = [line.split() for line in after.splitlines()]
    assert [line[0] for line in lines] == ["admin", "instructor", "instructor", "student"]
    second = runner.invoke(args=["seminar", "demo"])
    assert second.output == first.output  # same accounts, same passwords, nothing reset
    assert len(db.session.scalars(select(User)).all()) == 4
    _role, email, password = lines[3]
    assert login(client, email, password).status_code == 302


def test_password_change_logs_out_other_devices(client: FlaskClient, make_user, app) -> None:
    user = make_user()
    login(client, user)
    other = app.test_client()
    login(other, user)
    assert other.get("/account/").status_code == 200
    new = "another long passphrase"
    client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert client.get("/account/").status_code == 200  # this device stays in
    assert other.get("/account/").status_code == 302  # the other one must log in again
