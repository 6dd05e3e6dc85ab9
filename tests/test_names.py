"""First and last name, kept apart from the full name for boards and CE trackers: the split
(table), the account page, the CSV enrolment's columns and the migration for older accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from seminar import create_app
from seminar.core.names import split_name
from seminar.db import db
from seminar.models import Cohort, Invitation, User
from seminar.services import imports, invitations
from seminar.services.accounts import find_user
from tests.conftest import base_config, login


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Ada Lovelace", "Ada", "Lovelace"),
        ("  ada   lovelace ", "ada", "lovelace"),
        ("Jean-Luc Picard", "Jean-Luc", "Picard"),
        ("María José García López", "María José García", "López"),  # corrected by hand
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Juan de la Cruz", "Juan", "de la Cruz"),
        ("Van Morrison", "Van", "Morrison"),  # a particle is never the whole first name
        ("Lovelace, Ada", "Ada", "Lovelace"),
        ("Dr. Ada Lovelace, DC", "Ada", "Lovelace"),
        ("Ada Lovelace, PhD, D.C.", "Ada", "Lovelace"),
        ("Martin Luther King Jr.", "Martin Luther", "King Jr."),
        ("King, Martin Luther, Jr.", "Martin Luther", "King Jr."),
        ("Teller", "", "Teller"),
        ("", "", ""),
    ],
)
def test_split_name(full: str, first: str, last: str) -> None:
    assert split_name(full) == (first, last)


def test_new_accounts_get_their_names_split_and_can_correct_them(
    client: FlaskClient, make_user
) -> None:
    user = make_user(name="María José García López")
    assert (user.first_name, user.last_name) == ("María José García", "López")
    login(client, user)
    page = client.get("/account/").get_data(as_text=True)
    assert 'value="María José García"' in page and 'autocomplete="family-name"' in page
    response = client.post(
        "/account/profile",
        data={"name": "María José García López", "first_name": " María José ",
              "last_name": "García López"},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.first_name, user.last_name) == (
        "María José García López",
        "María José",
        "García López",
    )
    # A first name alone is refused, with the typed text kept.
    html = client.post(
        "/account/profile", data={"name": "M. J. García", "first_name": "Mary"}
    ).get_data(as_text=True)
    assert 'id="last_name-error"' in html and 'value="Mary"' in html
    # Both left empty: split again from the (new) full name.
    client.post("/account/profile", data={"name": "Ada King"})
    db.session.refresh(user)
    assert (user.first_name, user.last_name) == ("Ada", "King")


def test_csv_enrolment_takes_first_and_last_name_columns(world: Cohort) -> None:
    """The columns ride on the invitations; the accounts made from them keep them."""
    plan = imports.plan_csv(
        world,
        "email,name,first_name,last_name\n"
        "maria@example.org,María García López,María,García López\n"
        'ada@example.org,"Lovelace, Ada",,\n'
        "bad@example.org,Bad Row,Only,\n",
    )
    assert [r.error for r in plan.rows] == ["", "", "a first name needs its last name"]
    job = imports.create_job(world, plan, by=None)
    imports.start(job)
    imports.step(job, by=None)
    for email in ("maria@example.org", "ada@example.org"):
        invitation = db.session.scalars(select(Invitation).where(Invitation.email == email)).one()
        invitations.accept(invitation, password="a long and unusual pass phrase", name="")
    maria, ada = find_user("maria@example.org"), find_user("ada@example.org")
    assert maria is not None and (maria.first_name, maria.last_name) == ("María", "García López")
    assert ada is not None and (ada.first_name, ada.last_name) == ("Ada", "Lovelace")


def test_the_migration_splits_the_names_of_older_accounts(
    tmp_path: Path, lessons_dir: Path
) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    app: Flask = create_app(
        base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path, lessons_dir)
    )
    with app.app_context():
        upgrade(revision="14f104b16fda")
        with db.engine.begin() as conn:
            for n, name in enumerate(("Ludwig van Beethoven", "Teller", "Lovelace, Ada")):
                conn.execute(
                    text(
                        "INSERT INTO users (email, name, role, password_hash, active, "
                        "created_at, session_version) VALUES (:email, :name, 'student', 'x', 1, "
                        "'2026-01-01 00:00:00', 1)"
                    ),
                    {"email": f"old{n}@example.org", "name": name},
                )
        upgrade()
        names = db.session.execute(
            select(User.name, User.first_name, User.last_name).order_by(User.id)
        ).all()
        assert [tuple(n) for n in names] == [
            ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
            ("Teller", "", "Teller"),
            ("Lovelace, Ada", "Ada", "Lovelace"),
        ]
        db.session.remove()
        db.engine.dispose()
