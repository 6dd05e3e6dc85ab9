"""Read quiz files (FORMATS.md, "Quizzes"): `quizzes/<slug>.md` (native), `<slug>.gift` or
`<slug>.txt` (GIFT: `.txt` is the name Moodle exports it under), `<slug>.xml` (Moodle XML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from seminar.core.content.gift import parse_gift_quiz
from seminar.core.content.limits import markdown_problems
from seminar.core.content.moodle_xml import parse_moodle_xml, xml_size_problems
from seminar.core.content.problems import ContentError, Problem, display_path
from seminar.core.content.quiz_common import SLUG_RE, QuizParse
from seminar.core.content.quiz_model import Quiz
from seminar.core.content.quiz_native import parse_native_quiz

__all__ = [
    "PARSERS",
    "QuizFile",
    "QuizParse",
    "QuizTree",
    "parse_quiz",
    "parse_quiz_file",
    "quiz_file",
    "scan_quizzes",
    "slug_of",
]

PARSERS = {
    ".md": parse_native_quiz,
    ".gift": parse_gift_quiz,
    ".txt": parse_gift_quiz,
    ".xml": parse_moodle_xml,
}
FORMATS = {".md": "md", ".gift": "gift", ".txt": "gift", ".xml": "xml"}
SUFFIXES = "a quiz file ends in .md, .gift, .txt (GIFT) or .xml (Moodle XML)"


@dataclass(frozen=True)
class QuizFile:
    """A quiz file's name and text, from the quizzes folder or an upload."""

    slug: str
    name: str
    text: str

    @property
    def format(self) -> str:
        return FORMATS[Path(self.name).suffix.lower()]


def slug_of(name: str) -> str:
    """The slug a file name gives: its stem, without a '.gift' before '.txt' (Moodle's own
    files are named 'questions.gift.txt')."""
    stem = Path(name).stem
    return stem[: -len(".gift")] if stem.lower().endswith(".gift") else stem


def quiz_file(name: str, text: str, *, display_path: str | None = None) -> QuizFile:
    """Check a file name (its stem is the slug) and normalise the text's line ends."""
    name = Path(name).name
    shown = display_path or name
    if Path(name).suffix.lower() not in PARSERS:
        raise ContentError([Problem(shown, 1, SUFFIXES)])
    if not SLUG_RE.match(slug_of(name)):
        raise ContentError(
            [Problem(shown, 1, "the file name is the quiz's slug: lowercase words and hyphens")]
        )
    # A byte-order mark and CRLF line ends come with files saved on Windows.
    return QuizFile(slug_of(name), name, text.lstrip("\ufeff").replace("\r\n", "\n"))


def parse_quiz(
    file: QuizFile, *, display_path: str | None = None, partial: bool = False
) -> QuizParse:
    """Parse a quiz file by its suffix, after the checks that bound what parsing it costs.
    `partial`: load the questions without errors (an upload may), else all or nothing."""
    path = display_path or file.name
    # Before anything is parsed or rendered; an XML file's Markdown texts are bounded as
    # they are read.
    check = xml_size_problems if file.format == "xml" else markdown_problems
    if problems := check(file.text, path):
        raise ContentError(problems)
    parse = PARSERS[Path(file.name).suffix.lower()]
    return parse(file.text, path=path, slug=file.slug, partial=partial)


@dataclass
class QuizTree:
    quizzes: list[Quiz] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Files that exist but failed to load, by file name: the sync keeps their last version.
    broken: set[str] = field(default_factory=set)
    files: dict[str, QuizFile] = field(default_factory=dict)  # loaded quizzes' files, by slug


def parse_quiz_file(path: Path, *, display_path: str | None = None) -> QuizParse:
    """Parse one quiz file by its suffix; raise ContentError with every problem found."""
    return parse_quiz(read_quiz_file(path, display_path=display_path), display_path=display_path)


def read_quiz_file(path: Path, *, display_path: str | None = None) -> QuizFile:
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(shown, 1, f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise ContentError([Problem(shown, 1, f"cannot read: {exc.strerror}")]) from None
    return quiz_file(path.name, text, display_path=shown)


def _quiz_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.iterdir()
        if p.is_file()
        and p.suffix.lower() in PARSERS
        and not p.name.startswith(".")
        and p.stem.lower() != "readme"  # README.md, README.txt: notes, not quizzes
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
        by_slug.setdefault(slug_of(path.name), []).append(path)
    for path in files:
        display = display_path(str(path))
        others = [p.name for p in by_slug[slug_of(path.name)] if p != path]
        if others:
            # Loading either would be a guess: both stay broken until one is renamed.
            tree.problems.append(
                Problem(
                    display,
                    1,
                    f"quiz slug '{slug_of(path.name)}' is also used by {', '.join(others)}",
                )
            )
            tree.broken.add(path.name)
            continue
        try:
            file = read_quiz_file(path, display_path=display)
            parsed = parse_quiz(file, display_path=display)
        except ContentError as exc:
            tree.problems += [p for p in exc.problems if p.severity == "error"]
            tree.warnings += [p for p in exc.problems if p.severity != "error"]
            tree.broken.add(path.name)
            continue
        tree.quizzes.append(parsed.quiz)
        tree.files[parsed.quiz.slug] = file
        tree.warnings += parsed.warnings
    return tree
