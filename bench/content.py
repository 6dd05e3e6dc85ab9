"""Generated course content for the benchmark: 9 modules, 30 lessons, 10 quizzes, one program.

The text is assembled from neutral sentences with a seeded random generator, so every run
writes the same files. Lessons are of realistic length (roughly 800 words) and use what real
lessons use: a table, admonitions, a definition list, a footnote and a table of contents.
Quizzes mix every graded question type; one is written in GIFT.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

PROGRAM = "bench-program"
PRACTICE_QUIZ = "practice-exam"  # not required by the program: attempts for statistics
# How the 30 lessons spread over the 9 modules.
LESSONS_PER_MODULE = (4, 4, 3, 3, 3, 3, 3, 3, 4)
MODULES = (
    ("foundations", "Foundations of the technique"),
    ("category-system", "The category system"),
    ("category-one", "Category one"),
    ("category-two", "Category two"),
    ("category-three", "Category three and triage"),
    ("occipital-fibers", "Occipital fibers"),
    ("cranial-concepts", "Cranial concepts"),
    ("extremities", "Extremity technique"),
    ("ethics-and-records", "Evidence, ethics and continuing education"),
)
TOPICS = (
    "indicators",
    "positioning",
    "history",
    "assessment",
    "reliability",
    "patient communication",
    "screening",
    "documentation",
    "terminology",
    "case review",
    "re-testing",
    "contraindications",
)
SENTENCES = (
    "The sacrum sits between the two ilia and forms the sacroiliac joints with them.",
    "The occiput forms the back and much of the base of the skull.",
    "The spinal dura is anchored at the foramen magnum and ends near the second sacral segment.",
    "The technique describes a functional relationship between the two ends of the spine.",
    "An indicator is a finding the practitioner looks for before choosing a procedure.",
    "Re-testing after a procedure is how the method checks its own choice.",
    "Inter-examiner reliability of several indicators has been studied with mixed results.",
    "Students should keep the anatomy and the teaching model apart in their notes.",
    "A patient history comes before any assessment and decides whether care is appropriate.",
    "Red flags call for referral, not for a technique.",
    "The instructor demonstrates each step, and students practise it under supervision.",
    "Clear, plain wording helps a patient understand what is proposed and why.",
    "Records should state what was found, what was done and how the patient responded.",
    "The categories are a way of sorting presentations, not diagnoses in themselves.",
    "Blocks are placed with care, and the patient's comfort is checked throughout.",
    "Small published studies describe outcomes, but controlled trials are few.",
    "Consent is revisited whenever the plan of care changes.",
    "Each lesson ends with a short summary that the module quiz draws on.",
    "Practitioners disagree about how much weight a single indicator should carry.",
    "A careful examination starts with observation and gentle palpation.",
    "The model is taught as a framework for clinical reasoning.",
    "Notes written at the time are more reliable than notes written later.",
    "Evidence summaries in this course name their sources and their limits.",
    "Continuing education hours are credited for time actually present.",
)
EVIDENCE = ("none-found", "case-reports", "limited", "mixed", "reviewed-negative")
TERMS = (
    ("Indicator", "A finding used to choose or confirm a procedure."),
    ("Category", "One of the three groups the method sorts presentations into."),
    ("Dura mater", "The tough outer membrane around the brain and spinal cord."),
    ("Re-test", "The same check repeated after a procedure."),
    ("Referral", "Sending a patient to another clinician for what lies outside the scope."),
    ("Block", "A padded wedge used to position the pelvis."),
)


@dataclass(frozen=True)
class Course:
    lessons_dir: Path
    quizzes_dir: Path
    lesson_files: tuple[Path, ...]
    quiz_slugs: tuple[str, ...]


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def _wrap(text: str, width: int = 100, indent: str = "") -> str:
    lines, line = [], indent
    for word in text.split():
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += word + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def lesson_text(rng: random.Random, title: str, quiz: str, number: int) -> str:
    objectives = "\n".join(f"  - {rng.choice(SENTENCES)}" for _ in range(3))
    rows = "\n".join(
        f"| {rng.choice(TOPICS).capitalize()} | {rng.choice(('I', 'II', 'III'))} | "
        f"{rng.choice(SENTENCES)} |"
        for _ in range(5)
    )
    terms = "\n\n".join(f"{t}\n:   {d}" for t, d in rng.sample(TERMS, 3))
    steps = "\n".join(f"{i}. {rng.choice(SENTENCES)}" for i in range(1, 6))
    minutes = "" if number % 3 == 0 else f"minutes: {rng.randint(6, 15)}\n"
    return f"""---
title: {title}
summary: {rng.choice(SENTENCES)}
{minutes}objectives:
{objectives}
evidence: {rng.choice(EVIDENCE)}
quiz: {quiz}
---

# {title}

{_wrap(_paragraph(rng, 4))}
{{: .lead }}

## Background

{_wrap(_paragraph(rng, 6))}

{_wrap(_paragraph(rng, 5))}

### Key terms

{terms}

## As taught in S.O.T.

{_wrap(_paragraph(rng, 6))}

| Topic | Category | Note |
| --- | --- | --- |
{rows}

!!! evidence "What the research says"
{_wrap(_paragraph(rng, 3), indent="    ")}

## In practice

{_wrap(_paragraph(rng, 5))}

{steps}

{_wrap(_paragraph(rng, 5))} This point is discussed further in the module's reading list.[^1]

!!! caution "Screening and red flags"
{_wrap(_paragraph(rng, 2), indent="    ")}

### Working with the patient

{_wrap(_paragraph(rng, 6))}

{_wrap(_paragraph(rng, 4))}

!!! note
{_wrap(_paragraph(rng, 2), indent="    ")}

## Summary

{_wrap(_paragraph(rng, 5))}

[^1]: {rng.choice(SENTENCES)}
"""


def _native_questions(rng: random.Random, count: int, essay: bool) -> str:
    """`count` questions cycling through every graded type of the native format."""
    kinds = ["single", "multiple", "single", "true_false", "short", "single", "numeric"]
    kinds += ["matching", "single", "true_false"]
    out = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        stem = rng.choice(SENTENCES).rstrip(".")
        qid = f"q{i + 1}-{kind.replace('_', '-')}"
        if kind == "single":
            right = rng.randrange(4)
            choices = "\n".join(
                f"- [{'x' if k == right else ' '}] {rng.choice(TOPICS).capitalize()} option {k + 1}"
                + (f"\n  > {rng.choice(SENTENCES)}" if k == right else "")
                for k in range(4)
            )
            body = f"## Which option best fits this statement? {stem}. {{#{qid}}}\n\n{choices}"
        elif kind == "multiple":
            choices = "\n".join(
                f"- [{'x' if k < 2 else ' '}] {rng.choice(TOPICS).capitalize()} item {k + 1}"
                for k in range(5)
            )
            body = f"## Select every item that applies. {stem}. {{#{qid}}}\n\n{choices}"
        elif kind == "true_false":
            truth = rng.random() < 0.5
            body = (
                f"## True or false: {stem.lower()}. {{#{qid}}}\n\n"
                f"- [{'x' if truth else ' '}] True\n- [{' ' if truth else 'x'}] False"
            )
        elif kind == "short":
            body = f"## Name the bone at the base of the spine. {{#{qid}}}\n\n= sacrum\n= os sacrum"
        elif kind == "numeric":
            body = f"## How many vertebrae fuse to form the adult sacrum? {{#{qid}}}\n\n= 5 ± 0.5"
        else:
            body = (
                f"## Match each term to its region. {{#{qid}}}\n\n"
                "- occiput -> skull\n- sacrum -> pelvis\n- atlas -> neck"
            )
        out.append(f"{body}\n\n> {rng.choice(SENTENCES)}")
    if essay:
        out.append(
            "## In your own words, explain re-testing to a patient. {#essay-re-testing}\n\n"
            "An instructor marks this answer."
        )
    return "\n\n".join(out)


def native_quiz(rng: random.Random, title: str, questions: int, settings: str, essay: bool) -> str:
    body = _native_questions(rng, questions, essay)
    return f"---\ntitle: {title}\nsummary: {rng.choice(SENTENCES)}\n{settings}---\n\n{body}\n"


def gift_quiz(rng: random.Random, title: str) -> str:
    """A GIFT quiz with single, multiple, true/false, short, numeric and matching questions."""

    def plain(text: str) -> str:  # GIFT's special characters stay out of generated text
        return "".join(c for c in text if c not in "~=#{}:")

    parts = [
        f"// quiz: title: {title}",
        "// quiz: pass_mark: 70",
        "// quiz: max_attempts: 3",
        "// quiz: shuffle: true",
        "",
    ]
    for i in range(10):
        stem = plain(rng.choice(SENTENCES))
        kind = i % 6
        parts.append(f"// id: g{i + 1}")
        if kind == 0:
            parts.append(
                f"::Q{i + 1}::Which option fits? {stem} {{\n=right option#Right.\n"
                "~second option#Not this one.\n~third option\n~fourth option\n"
                f"####{plain(rng.choice(SENTENCES))}\n}}"
            )
        elif kind == 1:
            parts.append(
                f"::Q{i + 1}::Select every item that applies. {stem} {{\n"
                "~%50%first item\n~%50%second item\n~%-100%third item\n}"
            )
        elif kind == 2:
            parts.append(f"::Q{i + 1}::{stem} {{{'T' if rng.random() < 0.5 else 'F'}}}")
        elif kind == 3:
            parts.append(
                f"::Q{i + 1}::Name the bone at the base of the spine. {{=sacrum =os sacrum}}"
            )
        elif kind == 4:
            parts.append(f"::Q{i + 1}::How many vertebrae fuse to form the adult sacrum? {{#5:0}}")
        else:
            parts.append(
                f"::Q{i + 1}::Match each term to its region. {{\n"
                "=occiput -> skull\n=sacrum -> pelvis\n=atlas -> neck\n}"
            )
        parts.append("")
    return "\n".join(parts)


def write_course(root: Path, *, seed: int = 7) -> Course:
    """Write lessons/ (with program.yml) and quizzes/ under `root`."""
    rng = random.Random(seed)
    lessons_dir, quizzes_dir = root / "lessons", root / "quizzes"
    lessons_dir.mkdir(parents=True)
    quizzes_dir.mkdir(parents=True)
    files, quiz_slugs = [], []
    for index, ((slug, title), count) in enumerate(
        zip(MODULES, LESSONS_PER_MODULE, strict=True), start=1
    ):
        folder = lessons_dir / f"{index:02d}-{slug}"
        folder.mkdir()
        (folder / "_module.md").write_text(
            f"---\ntitle: {title}\nsummary: {rng.choice(SENTENCES)}\n---\n\n"
            f"{_wrap(_paragraph(rng, 4))}\n"
        )
        quiz = f"module-{index:02d}-quiz"
        quiz_slugs.append(quiz)
        for number in range(1, count + 1):
            topic = rng.choice(TOPICS)
            path = folder / f"{number:02d}-{slug}-{topic.replace(' ', '-')}-{number}.md"
            lesson_title = f"{title}: {topic} ({number})"
            path.write_text(lesson_text(rng, lesson_title.replace(":", " -"), quiz, number))
            files.append(path)
        quiz_title = f"{title} quiz"
        if index == len(MODULES):
            (quizzes_dir / f"{quiz}.gift").write_text(gift_quiz(rng, quiz_title))
        else:
            settings = "pass_mark: 70\nmax_attempts: 3\nshuffle: true\ngrading: highest\n"
            if index == 2:
                settings += "time_limit: 20\n"
            (quizzes_dir / f"{quiz}.md").write_text(
                native_quiz(rng, quiz_title, 10, settings, essay=index == 3)
            )
    # The practice exam: unlimited, untimed; students take it often (and the benchmark does).
    (quizzes_dir / f"{PRACTICE_QUIZ}.md").write_text(
        native_quiz(rng, "Practice exam", 15, "pass_mark: 70\nreview: immediately\n", essay=False)
    )
    quiz_slugs.append(PRACTICE_QUIZ)
    required = "\n".join(
        f"        - {slug}" + (": 80" if i == 1 else "") for i, slug in enumerate(quiz_slugs[:-1])
    )
    (lessons_dir / "program.yml").write_text(
        f"""programs:
  - slug: {PROGRAM}
    title: Benchmark Program
    credential: Certificate of Completion, Benchmark Program
    attendance_rounding: 15
    requires:
      lessons: all
      quizzes:
{required}
      attendance_hours: 12
      practical: true
"""
    )
    return Course(lessons_dir, quizzes_dir, tuple(files), tuple(quiz_slugs))
