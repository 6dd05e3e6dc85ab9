"""Pure tests: lesson and module parsing, Markdown rendering and sanitising."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from seminar.core.content.lessons import parse_lesson_text, scan_lessons
from seminar.core.content.markdown import render_markdown, resolve_asset
from seminar.core.content.problems import ContentError
from tests.conftest import SAMPLE_LESSONS, write_lessons

REPO = Path(__file__).resolve().parent.parent


def parse(text: str, **kwargs: object):
    defaults = dict(path="m/01-x.md", slug="x", module_slug="m", position=1, rel_path="m/01-x.md")
    defaults.update(kwargs)
    return parse_lesson_text(textwrap.dedent(text).lstrip("\n"), **defaults)  # type: ignore[arg-type]


def problems_of(text: str, **kwargs: object) -> list[str]:
    with pytest.raises(ContentError) as info:
        parse(text, **kwargs)
    return [f"{p.line}: {p.message}" for p in info.value.problems]


def test_parses_front_matter_and_body() -> None:
    lesson = parse(
        """
        ---
        title: The sacrum
        summary: Short.
        minutes: 12
        objectives:
          - One.
          - Two.
        evidence: mixed
        quiz: category-system
        ---
        # The sacrum

        ## Part one
        ### Detail
        Text.
        """
    )
    assert lesson.title == "The sacrum"
    assert lesson.minutes == 12
    assert lesson.objectives == ("One.", "Two.")
    assert lesson.evidence == "mixed"
    assert lesson.quiz == "category-system"
    assert [t["name"] for t in lesson.toc] == ["Part one", "Detail"]
    # The page prints the title itself, so the body's leading H1 is dropped.
    assert "<h1" not in lesson.html
    assert '<h2 id="part-one">' in lesson.html


def test_reading_time_defaults_from_word_count() -> None:
    words = " ".join(["word"] * 450)
    lesson = parse(f"---\ntitle: T\n---\n{words}\n")
    assert lesson.minutes == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter\n", ["1: missing front matter: start the file with '---'"]),
        ("---\ntitle: T\nbody\n", ["1: front matter is not closed with a '---' line"]),
        ("---\ntitle: [unclosed\n---\nx\n", ["2: invalid YAML"]),
        ("---\ntitle: T\n  bad: indent\n---\nx\n", ["3: invalid YAML"]),
        ("---\nsummary: s\n---\nx\n", ["'title' is required"]),
        ("---\ntitle: T\nminutes: ten\n---\nx\n", ["3: 'minutes' must be a whole number"]),
        ("---\ntitle: T\nminutes: 0\n---\nx\n", ["3: 'minutes' must be a whole number"]),
        ("---\ntitle: T\ntitel: typo\n---\nx\n", ["3: unknown key 'titel'"]),
        ("---\ntitle: T\nevidence: strong\n---\nx\n", ["3: 'evidence' must be one of"]),
        ("---\ntitle: T\nobjectives: one\n---\nx\n", ["3: 'objectives' must be a list"]),
        ("---\ntitle: T\nquiz: Not A Slug\n---\nx\n", ["3: 'quiz' must be a quiz slug"]),
        ("---\ntitle: T\n---\n\n", ["4: the lesson has no text"]),
        ("---\n- a list\n---\nx\n", ["2: front matter must be 'key: value' lines"]),
        ("---\ntitle: T\nwhen: 2025-13-45\n---\nx\n", ["3: invalid YAML value"]),
        ("---\ntitle: !!int x\n---\nx\n", ["2: invalid YAML value"]),
    ],
)
def test_front_matter_errors_name_the_line(text: str, expected: list[str]) -> None:
    found = problems_of(text)
    for want in expected:
        assert any(want in f or f.startswith(want) for f in found), (want, found)


def test_all_problems_are_reported_together() -> None:
    found = problems_of("---\ntitle: ''\nminutes: -1\nbogus: 1\n---\nx\n")
    assert [f.split(":")[0] for f in found] == ["2", "3", "4"]


@pytest.mark.parametrize(
    "src",
    [
        "../../../etc/passwd.png",
        "../../secret.svg",
        "/etc/hosts.png",
        "https://example.com/tracker.png",
        "javascript:alert(1)",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "img\\..\\..\\x.png",
        "img/notes.txt",
    ],
)
def test_images_outside_the_lessons_folder_are_errors(src: str) -> None:
    found = problems_of(f"---\ntitle: T\n---\nText\n\n![x]({src})\n")
    assert found and found[0].startswith("6: image")


def test_missing_image_is_an_error_with_its_line() -> None:
    found = problems_of(
        "---\ntitle: T\n---\n\n<img src='img/nope.png'>\n", asset_exists=lambda p: False
    )
    assert found == ["5: image 'img/nope.png' not found"]


def test_reference_style_images_are_checked() -> None:
    found = problems_of("---\ntitle: T\n---\n![x][pic]\n\n[pic]: ../../../etc/x.png\n")
    assert found[0].startswith("4: image")


def test_image_paths_resolve_inside_the_lessons_folder() -> None:
    assert resolve_asset("img/a.svg", "01-m") == "01-m/img/a.svg"
    assert resolve_asset("../02-n/img/b.png", "01-m") == "02-n/img/b.png"
    assert resolve_asset("../../x.png", "01-m") is None
    lesson = parse("---\ntitle: T\n---\n![A](img/a.svg)\n", rel_path="01-m/01-x.md")
    assert 'src="/lessons/assets/01-m/img/a.svg"' in lesson.html


HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="img/a.png" onerror="alert(1)">', "onerror"),
    ("[click](javascript:alert(1))", "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert(1)"),
    ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
    ('<div style="background:url(x)">styled</div>', "style="),
    ("<iframe src='https://evil.test'></iframe>", "<iframe"),
    ("<svg><script>alert(1)</script></svg>", "<svg"),
    ('<form action="https://evil.test"><input name=x></form>', "<form"),
    ("<object data='x.swf'></object>", "<object"),
    ('<p onclick="alert(1)">hi</p>', "onclick"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.test">', "<meta"),
    ("<style>body{display:none}</style>", "<style"),
    ('<a href="https://ok.test" target="_blank">x</a>', "target="),
    ("![x](img/a.png){onload=alert(1)}", "onload"),
]


@pytest.mark.parametrize(("markdown_text", "forbidden"), HOSTILE)
def test_hostile_markdown_is_sanitised(markdown_text: str, forbidden: str) -> None:
    html = render_markdown(markdown_text, base_dir="m").html
    assert forbidden.lower() not in html.lower()


def test_safe_markdown_features_survive_sanitising() -> None:
    html = render_markdown(
        textwrap.dedent(
            """
            ## Heading {#custom}

            | a | b |
            |---|---|
            | 1 | 2 |

            Term
            :   Definition

            *[SOT]: Sacro-Occipital Technique

            SOT text.[^n]

            ```
            code
            ```

            !!! caution "Screening and red flags"
                Refer when in doubt.

            [n]: https://example.org

            [^n]: A footnote.
            """
        )
    ).html
    for fragment in (
        '<h2 id="custom">',
        "<table>",
        "<dl>",
        '<abbr title="Sacro-Occipital Technique">SOT</abbr>',
        '<div class="admonition caution">',
        '<pre role="region" aria-label="Preformatted text" tabindex="0"><code>',
        'class="footnote"',
    ):
        assert fragment in html


def test_a_pasted_pre_gets_the_keyboard_region_once() -> None:
    html = render_markdown('<pre tabindex="-1" onclick="x()">text</pre>').html
    assert html == '<pre role="region" aria-label="Preformatted text" tabindex="0">text</pre>'


def test_links_to_lesson_files_become_lesson_urls() -> None:
    html = render_markdown("[next](02-second-lesson.md) [other](../03-x/01-third.md)").html
    assert 'href="/lessons/second-lesson"' in html
    assert 'href="/lessons/third"' in html


def test_scan_reads_modules_and_lessons_in_order(tmp_path: Path) -> None:
    tree = scan_lessons(write_lessons(tmp_path, SAMPLE_LESSONS))
    assert tree.problems == []
    assert [m.slug for m in tree.modules] == ["basics", "more"]
    assert [(lesson.module_slug, lesson.slug) for lesson in tree.lessons] == [
        ("basics", "first-lesson"),
        ("basics", "second-lesson"),
        ("more", "third-lesson"),
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {
                "03-dup/_module.md": "---\ntitle: D\n---\n",
                "03-dup/01-first-lesson.md": "---\ntitle: D\n---\nx\n",
            },
            "collides with",
        ),
        ({"01-other/_module.md": "---\ntitle: O\n---\n"}, "module prefix or slug collides"),
        ({"01-basics/01-again.md": "---\ntitle: A\n---\nx\n"}, "lesson prefix or slug collides"),
        ({"04-nomodule/01-orphan.md": "---\ntitle: O\n---\nx\n"}, "needs a _module.md"),
        ({"Bad Name/_module.md": "---\ntitle: B\n---\n"}, "module folders are named NN-slug"),
        ({"01-basics/notes.md": "x"}, "lesson files are named NN-slug.md"),
        ({"01-basics/03-latin1.md": b"---\ntitle: \xe9\n---\nx\n"}, "not UTF-8"),
    ],
)
def test_scan_reports_layout_problems(tmp_path: Path, extra: dict, message: str) -> None:
    write_lessons(tmp_path, SAMPLE_LESSONS)
    for rel, body in extra.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            (tmp_path / rel).write_bytes(body)
        else:
            (tmp_path / rel).write_text(body)
    tree = scan_lessons(tmp_path)
    assert any(message in p.message for p in tree.problems), [str(p) for p in tree.problems]
    assert all(p.line >= 1 for p in tree.problems)


def test_problem_prints_as_path_line_message(tmp_path: Path) -> None:
    write_lessons(
        tmp_path,
        {
            "01-m/_module.md": "---\ntitle: M\n---\n",
            "01-m/01-l.md": "---\ntitle: L\nminutes: x\n---\nb\n",
        },
    )
    (problem,) = scan_lessons(tmp_path).problems
    assert str(problem).endswith("01-m/01-l.md:3: 'minutes' must be a whole number from 1 to 600")


def test_shipped_lessons_parse_cleanly() -> None:
    tree = scan_lessons(REPO / "lessons")
    assert tree.problems == [], "\n".join(str(p) for p in tree.problems)
    assert len(tree.modules) == 11
    assert all(any(lesson.module_slug == m.slug for lesson in tree.lessons) for m in tree.modules)
    for lesson in tree.lessons:
        assert lesson.evidence, f"{lesson.path}: every lesson carries an evidence tag"
        assert lesson.html.count('class="admonition evidence"') == 1, lesson.path


# The modules about the system's history, evidence and records teach no technique; every other
# module's lessons (the technique modules and the safety module) carry a screening reminder.
NO_TECHNIQUE = {"foundations", "evidence-ethics-and-ce"}
SAFETY_MODULE = "patient-groups-and-safety"
PATIENT_GROUPS = ("infants-and-children", "concussion", "pregnancy", "older-adults")


def test_every_shipped_lesson_keeps_the_house_structure() -> None:
    """Objectives, an "As taught in S.O.T." part, one evidence note and, where a technique or a
    patient group is taught, a screening / red flags / refer reminder."""
    tree = scan_lessons(REPO / "lessons")
    for lesson in tree.lessons:
        headings = [h["name"] for h in lesson.toc if h["level"] == 2]
        assert lesson.objectives, lesson.path
        assert "As taught in S.O.T." in headings, lesson.path
        assert lesson.html.count('class="admonition evidence"') == 1, lesson.path
        if lesson.module_slug not in NO_TECHNIQUE:
            assert 'class="admonition caution"' in lesson.html, lesson.path


def test_every_patient_group_has_red_flags_and_a_referral_path() -> None:
    """The groups S.O.T. is offered to (babies and children, athletes after a concussion,
    pregnancy, the elderly) each have a lesson with red flags, a referral path, a screening box
    and an instructor placeholder in place of any procedure."""
    tree = scan_lessons(REPO / "lessons")
    lessons = {lsn.slug: lsn for lsn in tree.lessons if lsn.module_slug == SAFETY_MODULE}
    assert tuple(lessons) == PATIENT_GROUPS
    for slug, lesson in lessons.items():
        headings = [h["name"].lower() for h in lesson.toc if h["level"] == 2]
        assert any("red flags" in h for h in headings), slug
        assert "referral path" in headings, slug
        caution = lesson.html.split('class="admonition caution"', 1)[1]
        assert "refer" in caution.split("</div>", 1)[0].lower(), slug
        assert 'class="admonition note"' in lesson.html and "Instructor:" in lesson.html, slug
        assert "gives no procedures" in " ".join(lesson.html.split()), slug


def test_the_safety_module_is_required_by_both_programs() -> None:
    from seminar.core.content.programs import parse_programs

    text = (REPO / "lessons" / "program.yml").read_text(encoding="utf-8")
    programs = {p.slug: p for p in parse_programs(text, path="lessons/program.yml")}
    assert programs["sot-basic"].lessons is None  # every lesson, the safety module included
    assert set(PATIENT_GROUPS) <= set(programs["sot-advanced"].lessons or ())
    assert "patient-groups-and-safety" in {q.slug for q in programs["sot-advanced"].quizzes}


def test_shipped_content_mentions_gentle_only_in_quotation_marks() -> None:
    """Blocking is a moderate-force procedure and most S.O.T. adjusting uses some force
    (Hochman, 1996), so no model patient wording promises "gentle" care: the word appears only
    when the course discusses it, in quotation marks."""
    import re

    files = [*sorted((REPO / "lessons").rglob("*.md")), *sorted((REPO / "quizzes").iterdir())]
    unquoted = [
        f"{path.relative_to(REPO)}: ...{text[max(0, m.start() - 30) : m.end() + 10]}..."
        for path in files
        if path.suffix in {".md", ".gift"}
        for text in [path.read_text(encoding="utf-8")]
        for m in re.finditer(r"gentle", text, re.IGNORECASE)
        if text[m.start() - 1 : m.start()] != '"' or text[m.end() : m.end() + 1] != '"'
    ]
    assert unquoted == []
