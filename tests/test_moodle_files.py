"""A Moodle question bank in the app: upload with a report (loading the good questions on
request), `.txt` and `.xml` files in `quizzes/` (a sync stays all or nothing per file), and
`flask seminar export-quiz --format moodle-xml`."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from seminar.core.content.moodle_xml import parse_moodle_xml
from seminar.core.content.quizzes import parse_quiz_file
from seminar.db import db
from seminar.models import QuestionVersion, Quiz
from tests.conftest import login
from tests.test_quiz_files import current, sync

# The question at line 6 has no right choice; those at lines 3 and 9 are fine.
BANK = """// question: 1  name: Pelvis
// [id:pelvis-1] [tag:anatomy]
::Pelvis::Which bone is at the base of the spine? {=sacrum ~occiput}

// question: 2  name: Broken
::Broken::Which block goes under the short leg? {~upper ~lower}

// question: 3  name: Occiput
::Occiput::The occiput is a skull bone. {T}
"""

XML_BANK = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/S.O.T.</text></category></question>
  <question type="truefalse">
    <name><text>Skull</text></name>
    <questiontext format="html">
      <text><![CDATA[The <b>occiput</b> is a skull bone.]]></text>
    </questiontext>
    <idnumber>skull-1</idnumber>
    <answer fraction="100"><text>true</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>It is.</text></feedback></answer>
    <tags><tag><text>anatomy</text></tag></tags>
  </question>
  <question type="calculated"><name><text>Speed</text></name></question>
</quiz>
"""


def upload(client: FlaskClient, name: str, text: str, button: str = "preview") -> str:
    response = client.post(
        "/quizzes/manage/upload", data={"source": text, "filename": name, button: "1"}
    )
    assert response.status_code in (200, 302), response.status_code
    return response.get_data(as_text=True)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_preview_lists_every_question_with_its_line(client: FlaskClient, make_user) -> None:
    login(client, make_user("instructor"))
    html = upload(client, "bank.gift.txt", BANK)
    assert "1 of 3 questions cannot be loaded" in html
    assert "<code>bank.gift.txt:6: no choice is right: mark the right answer with" in html
    rows = re.findall(r"Line (\d+)(?: · ([a-z/ ]+))?.*?(loads|not loaded)", html)
    assert [(line, state) for line, _, state in rows] == [
        ("3", "loads"),
        ("6", "not loaded"),
        ("9", "loads"),
    ]
    assert "id pelvis-1 · tags anatomy" in html
    assert "Import the 2 questions that load" in html
    assert "Save as new version" not in html
    assert count(Quiz) == 0  # a preview writes nothing


def test_saving_a_file_with_errors_is_refused_unless_asked(client: FlaskClient, make_user) -> None:
    login(client, make_user("instructor"))
    html = upload(client, "bank.txt", BANK, "save")
    assert "1 question of the file cannot be loaded (listed below)" in html
    assert count(Quiz) == 0


def test_importing_the_questions_that_load(client: FlaskClient, make_user) -> None:
    login(client, make_user("instructor"))
    response = client.post(
        "/quizzes/manage/upload",
        data={"source": BANK, "filename": "bank.txt", "save_loaded": "1"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/quizzes/bank"
    version = current("bank")
    assert version.source == BANK and version.source_format == "gift"  # the file, as sent
    keys = db.session.scalars(
        select(QuestionVersion.key).where(QuestionVersion.id.in_(version.question_ids))
    ).all()
    assert sorted(keys) == ["occiput", "pelvis-1"]
    page = client.get("/quizzes/bank").get_data(as_text=True)
    assert "as version 1: 2 questions loaded, 1 left out (line 6)." in page


def test_uploading_moodle_xml(client: FlaskClient, make_user) -> None:
    login(client, make_user("instructor"))
    html = upload(client, "bank.xml", XML_BANK)
    assert "The &lt;b&gt;occiput&lt;/b&gt; is a skull bone." in html  # the author's text
    assert "&#39;Speed&#39; is skipped: a calculated question" in html
    assert "Save as new version" in html  # a skipped type is reported, not an error
    client.post("/quizzes/manage/upload", data={"source": XML_BANK, "filename": "bank.xml",
                                                 "save": "1"})  # fmt: skip
    version = current("bank")
    assert version.source_format == "xml"
    stored = db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_(version.question_ids))
    ).one()
    assert stored.key == "skull-1"
    assert stored.data["tags"] == ["anatomy"] and stored.data["format"] == "html"
    assert stored.rendered["stem"] == "The <b>occiput</b> is a skull bone."


def test_a_moodle_xml_upload_that_is_not_xml(client: FlaskClient, make_user) -> None:
    login(client, make_user("instructor"))
    html = upload(client, "bank.xml", "<quiz><question>")
    assert "Line 1: not well-formed XML: no element found" in html
    html = upload(client, "bank.xml", '<!DOCTYPE q [<!ENTITY a "b">]><quiz>&a;</quiz>')
    assert "a DOCTYPE or entity declaration" in html


def test_sync_reads_txt_and_xml_all_or_nothing(app: Flask, tmp_path: Path) -> None:
    folder = Path(app.config["QUIZZES_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "moodle-bank.xml").write_text(XML_BANK)
    (folder / "exported.gift.txt").write_text(BANK.replace("{~upper ~lower}", "{=upper ~lower}"))
    report = sync(app)
    assert report.ok, [str(p) for p in report.problems]
    assert {"quizzes/moodle-bank.xml", "quizzes/exported.gift.txt"} <= set(report.new)
    assert any("'Speed' is skipped" in str(w) for w in report.warnings)
    assert current("exported").source_format == "gift"
    assert current("moodle-bank").source_format == "xml"
    (folder / "exported.gift.txt").write_text(BANK)  # one broken question: the whole file waits
    report = sync(app)
    found = [(Path(p.path).name, p.line, p.message) for p in report.problems]
    assert ("exported.gift.txt", 6, "no choice is right: mark the right answer with '=' "
            "(or give ~%N%)") in found  # fmt: skip
    assert current("exported").number == 1  # the last good version keeps serving


@pytest.mark.parametrize("source", ["slug", "path"])
def test_export_quiz_as_moodle_xml(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, source: str
) -> None:
    path = tmp_path / "bank.xml"
    path.write_text(XML_BANK)
    if source == "slug":
        folder = Path(app.config["QUIZZES_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "bank.xml").write_text(XML_BANK)
        sync(app)
    target = "bank" if source == "slug" else str(path)
    result = runner.invoke(args=["seminar", "export-quiz", target, "--format", "moodle-xml"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    assert "<idnumber>skull-1</idnumber>" in text and "<tag><text>anatomy</text></tag>" in text
    again = parse_moodle_xml(text, path="again.xml", slug="bank").quiz
    assert again == parse_quiz_file(path).quiz


def test_export_quiz_refuses_a_text_xml_cannot_hold(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bell.md"
    path.write_text('---\ntitle: Bell\n---\n\n## {#bell type=essay stem="Ring \\u0007"}\n')
    result = runner.invoke(args=["seminar", "export-quiz", str(path), "--format", "moodle-xml"])
    assert result.exit_code == 1
    assert "question 'bell': the text 'Ring \x07' has a character XML cannot hold" in result.output


def test_an_uploaded_file_of_another_kind_is_named(client: FlaskClient, make_user) -> None:
    login(client, make_user("instructor"))
    response = client.post(
        "/quizzes/manage/upload",
        data={"file": (io.BytesIO(b"x"), "bank.docx"), "preview": "1"},
        content_type="multipart/form-data",
    )
    assert "a quiz file ends in .md, .gift, .txt (GIFT) or .xml (Moodle XML)" in response.get_data(
        as_text=True
    )
