"""Parse the lessons folder (FORMATS.md) into modules and lessons, with every problem found."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seminar.core.content.frontmatter import FrontMatter, split_front_matter
from seminar.core.content.limits import markdown_problems
from seminar.core.content.markdown import check_images, render_markdown
from seminar.core.content.problems import ContentError, Problem

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_MODULE_DIR = re.compile(rf"^(\d+)-({SLUG})$")
_LESSON_FILE = re.compile(rf"^(\d+)-({SLUG})\.md$")
_SLUG_ONLY = re.compile(rf"^{SLUG}$")
EVIDENCE_LEVELS = ("none-found", "case-reports", "limited", "mixed", "reviewed-negative")
LESSON_KEYS = {"title", "summary", "minutes", "objectives", "evidence", "quiz"}
MODULE_KEYS = {"title", "summary"}
WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class ParsedModule:
    slug: str
    position: int
    dirname: str
    title: str
    summary: str
    intro_html: str
    source: str
    source_hash: str
    rendered: bool = True  # False: checked only, as Settled allows (intro_html is empty)


@dataclass(frozen=True)
class ParsedLesson:
    slug: str
    module_slug: str
    position: int
    path: str  # relative to the lessons folder, with forward slashes
    title: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    evidence: str | None
    quiz: str | None
    quiz_line: int  # where `quiz:` is written, for a warning when no such quiz exists
    html: str
    toc: tuple[dict[str, Any], ...]
    source: str
    source_hash: str
    rendered: bool = True  # False: checked only, as Settled allows (html and toc are empty)


@dataclass(frozen=True)
class Settled:
    """Files the database already holds, as (slug, source hash) pairs: one that still reads
    the same is checked (front matter, pictures) but its Markdown is not rendered again, since
    the sync keeps the stored version. Rendering is most of what a sync of unchanged files
    costs, and what the content status page would cost on every view."""

    modules: frozenset[tuple[str, str]] = frozenset()
    lessons: frozenset[tuple[str, str]] = frozenset()


@dataclass
class LessonTree:
    modules: list[ParsedModule] = field(default_factory=list)
    lessons: list[ParsedLesson] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Files that exist but failed to parse, by relative path: the sync keeps their last version.
    broken: set[str] = field(default_factory=set)


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _line(fm: FrontMatter, key: str) -> int:
    return fm.key_lines.get(key, fm.body_line - 1)


def _check_keys(fm: FrontMatter, allowed: set[str], path: str) -> list[Problem]:
    return [
        Problem(path, _line(fm, key), f"unknown key '{key}' (known: {', '.join(sorted(allowed))})")
        for key in fm.data
        if key not in allowed
    ]


def _text(fm: FrontMatter, key: str, path: str, problems: list[Problem], required: bool) -> str:
    value = fm.data.get(key)
    if value is None:
        if required:
            problems.append(Problem(path, _line(fm, key), f"'{key}' is required"))
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        problems.append(Problem(path, _line(fm, key), f"'{key}' must be text"))
        return ""
    text = str(value).strip()
    if required and not text:
        problems.append(Problem(path, _line(fm, key), f"'{key}' must not be empty"))
    return text


def _drop_title_heading(body: str) -> str:
    """The page shows the title itself, so a leading '# Title' line is blanked (lines kept)."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            if re.match(r"^#\s+\S", line):
                lines[i] = ""
            break
    return "\n".join(lines)


def parse_lesson_text(
    text: str,
    *,
    path: str,
    slug: str,
    module_slug: str,
    position: int,
    rel_path: str,
    asset_exists: Callable[[str], bool] = lambda _p: True,
    render: bool = True,
) -> ParsedLesson:
    """Parse one lesson file's text; raise ContentError with every problem found. Without
    `render`, everything is checked but the Markdown is not rendered (see Settled)."""
    if problems := markdown_problems(text, path):  # before anything is parsed or rendered
        raise ContentError(problems)
    fm = split_front_matter(text, path)
    problems = _check_keys(fm, LESSON_KEYS, path)
    title = _text(fm, "title", path, problems, required=True)
    summary = _text(fm, "summary", path, problems, required=False)

    objectives_raw = fm.data.get("objectives", [])
    if objectives_raw is None:
        objectives_raw = []
    if not isinstance(objectives_raw, list) or not all(
        isinstance(o, str) and o.strip() for o in objectives_raw
    ):
        problems.append(
            Problem(path, _line(fm, "objectives"), "'objectives' must be a list of sentences")
        )
        objectives_raw = []
    objectives = tuple(o.strip() for o in objectives_raw)

    evidence = fm.data.get("evidence")
    if evidence is not None and evidence not in EVIDENCE_LEVELS:
        problems.append(
            Problem(
                path,
                _line(fm, "evidence"),
                f"'evidence' must be one of: {', '.join(EVIDENCE_LEVELS)}",
            )
        )
    quiz = fm.data.get("quiz")
    if quiz is not None and not (isinstance(quiz, str) and _SLUG_ONLY.match(quiz)):
        problems.append(
            Problem(path, _line(fm, "quiz"), "'quiz' must be a quiz slug like 'category-system'")
        )

    base_dir = rel_path.rsplit("/", 1)[0] if "/" in rel_path else ""
    problems += check_images(
        fm.body, path=path, first_line=fm.body_line, base_dir=base_dir, exists=asset_exists
    )
    rendered = render_markdown(_drop_title_heading(fm.body), base_dir=base_dir) if render else None

    minutes = fm.data.get("minutes")
    if minutes is None:
        minutes = max(1, math.ceil(rendered.words / WORDS_PER_MINUTE)) if rendered else 0
    elif isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 600:
        problems.append(
            Problem(path, _line(fm, "minutes"), "'minutes' must be a whole number from 1 to 600")
        )
        minutes = 1
    if not fm.body.strip():
        problems.append(Problem(path, fm.body_line, "the lesson has no text after front matter"))
    if problems:
        raise ContentError(sorted(problems, key=lambda p: p.line))
    return ParsedLesson(
        slug=slug,
        module_slug=module_slug,
        position=position,
        path=rel_path,
        title=title,
        summary=summary,
        minutes=minutes,
        objectives=objectives,
        evidence=evidence,
        quiz=quiz,
        quiz_line=_line(fm, "quiz"),
        html=rendered.html if rendered else "",
        toc=tuple(rendered.toc) if rendered else (),
        source=text,
        source_hash=source_hash(text),
        rendered=rendered is not None,
    )


def parse_module_text(
    text: str, *, path: str, slug: str, position: int, dirname: str, render: bool = True
) -> ParsedModule:
    fm = split_front_matter(text, path)
    problems = _check_keys(fm, MODULE_KEYS, path)
    title = _text(fm, "title", path, problems, required=True)
    summary = _text(fm, "summary", path, problems, required=False)
    if problems:
        raise ContentError(problems)
    return ParsedModule(
        slug=slug,
        position=position,
        dirname=dirname,
        title=title,
        summary=summary,
        intro_html=render_markdown(fm.body, base_dir=dirname).html if render else "",
        source=text,
        source_hash=source_hash(text),
        rendered=render,
    )


def _read(path: Path, display: str, problems: list[Problem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(display, 1, f"not UTF-8 text ({exc.reason})"))
    except OSError as exc:
        problems.append(Problem(display, 1, f"cannot read: {exc.strerror}"))
    return None


def asset_checker(root: Path) -> Callable[[str], bool]:
    """A test for 'this relative path is a file inside the lessons folder'."""
    root = root.resolve()

    def asset_exists(rel: str) -> bool:
        try:
            candidate = (root / rel).resolve()
        except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte
            return False
        return candidate.is_relative_to(root) and candidate.is_file()

    return asset_exists


def scan_lessons(root: Path, settled: Settled = Settled()) -> LessonTree:
    """Read every module folder and lesson file under `root` (rendering only what is not
    `settled`)."""
    tree = LessonTree()
    if not root.is_dir():
        tree.problems.append(Problem(str(root), 1, "lessons folder not found"))
        return tree
    root = root.resolve()
    asset_exists = asset_checker(root)

    seen_modules: dict[str, str] = {}
    module_positions: dict[int, str] = {}
    seen_lessons: dict[str, str] = {}
    for module_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if module_dir.name.startswith((".", "_")):
            continue
        display_dir = str(module_dir)
        m = _MODULE_DIR.match(module_dir.name)
        if not m:
            tree.problems.append(
                Problem(display_dir, 1, "module folders are named NN-slug, e.g. 01-foundations")
            )
            continue
        position, module_slug = int(m.group(1)), m.group(2)
        if module_slug in seen_modules or position in module_positions:
            other = seen_modules.get(module_slug) or module_positions[position]
            tree.problems.append(
                Problem(display_dir, 1, f"module prefix or slug collides with {other}")
            )
            continue
        seen_modules[module_slug] = module_positions[position] = module_dir.name

        module_file = module_dir / "_module.md"
        if not module_file.is_file():
            tree.problems.append(
                Problem(str(module_file), 1, "missing: every module folder needs a _module.md")
            )
            tree.broken.add(f"{module_dir.name}/_module.md")
        elif (text := _read(module_file, str(module_file), tree.problems)) is not None:
            try:
                tree.modules.append(
                    parse_module_text(
                        text,
                        path=str(module_file),
                        slug=module_slug,
                        position=position,
                        dirname=module_dir.name,
                        render=(module_slug, source_hash(text)) not in settled.modules,
                    )
                )
            except ContentError as exc:
                tree.problems += exc.problems
                tree.broken.add(f"{module_dir.name}/_module.md")

        lesson_positions: dict[int, str] = {}
        for lesson_file in sorted(module_dir.glob("*.md")):
            if lesson_file.name == "_module.md":
                continue
            display = str(lesson_file)
            rel = f"{module_dir.name}/{lesson_file.name}"
            lm = _LESSON_FILE.match(lesson_file.name)
            if not lm:
                tree.problems.append(
                    Problem(display, 1, "lesson files are named NN-slug.md, e.g. 01-sacrum.md")
                )
                continue
            lesson_position, lesson_slug = int(lm.group(1)), lm.group(2)
            if lesson_slug in seen_lessons or lesson_position in lesson_positions:
                other = seen_lessons.get(lesson_slug) or lesson_positions[lesson_position]
                tree.problems.append(
                    Problem(display, 1, f"lesson prefix or slug collides with {other}")
                )
                continue
            seen_lessons[lesson_slug] = lesson_positions[lesson_position] = rel
            text = _read(lesson_file, display, tree.problems)
            if text is None:
                tree.broken.add(rel)
                continue
            try:
                tree.lessons.append(
                    parse_lesson_text(
                        text,
                        path=display,
                        slug=lesson_slug,
                        module_slug=module_slug,
                        position=lesson_position,
                        rel_path=rel,
                        asset_exists=asset_exists,
                        render=(lesson_slug, source_hash(text)) not in settled.lessons,
                    )
                )
            except ContentError as exc:
                tree.problems += exc.problems
                tree.broken.add(rel)
    return tree
