"""Read quiz files (FORMATS.md, "Quizzes"): `quizzes/<slug>.md` (native) or `<slug>.gift`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from seminar.content.gift import parse_gift_quiz
from seminar.content.problems import ContentError, Problem
from seminar.content.quiz_common import SLUG_RE, QuizParse
from seminar.content.quiz_model import Quiz
from seminar.content.quiz_native import parse_native_quiz

__all__ = ["PARSERS", "QuizParse", "QuizTree", "parse_quiz_file", "scan_quizzes"]

PARSERS = {".md": parse_native_quiz, ".gift": parse_gift_quiz}


@dataclass
class QuizTree:
    quizzes: list[Quiz] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Files that exist but failed to load, by file name: the sync keeps their last version.
    broken: set[str] = field(default_factory=set)


def parse_quiz_file(path: Path, *, display_path: str | None = None) -> QuizParse:
    """Parse one quiz file by its suffix; raise ContentError with every problem found."""
    shown = display_path or str(path)
    parse = PARSERS.get(path.suffix)
    if parse is None:
        raise ContentError([Problem(shown, 1, "a quiz file ends in .md or .gift")])
    if not SLUG_RE.match(path.stem):
        raise ContentError(
            [Problem(shown, 1, "the file name is the quiz's slug: lowercase words and hyphens")]
        )
    try:
        # utf-8-sig: GIFT files saved on Windows often start with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(shown, 1, f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise ContentError([Problem(shown, 1, f"cannot read: {exc.strerror}")]) from None
    return parse(text, path=shown, slug=path.stem)


def _quiz_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.iterdir()
        if p.is_file()
        and p.suffix in PARSERS
        and not p.name.startswith(".")
        and p.name.lower() != "readme.md"
    )


def scan_quizzes(root: Path) -> QuizTree:
    """Read every quiz file in `root` (not its subfolders)."""
    tree = QuizTree()
    if not root.is_dir():
        tree.problems.append(Problem(str(root), 1, "quizzes folder not found"))
        return tree
    files = _quiz_files(root)
    by_slug: dict[str, list[Path]] = {}
    for path in files:
        by_slug.setdefault(path.stem, []).append(path)
    for path in files:
        display = str(path)
        others = [p.name for p in by_slug[path.stem] if p != path]
        if others:
            # Loading either would be a guess: both stay broken until one is renamed.
            tree.problems.append(
                Problem(display, 1, f"quiz slug '{path.stem}' is also used by {', '.join(others)}")
            )
            tree.broken.add(path.name)
            continue
        try:
            parsed = parse_quiz_file(path, display_path=display)
        except ContentError as exc:
            tree.problems += [p for p in exc.problems if p.severity == "error"]
            tree.warnings += [p for p in exc.problems if p.severity != "error"]
            tree.broken.add(path.name)
            continue
        tree.quizzes.append(parsed.quiz)
        tree.warnings += parsed.warnings
    return tree
