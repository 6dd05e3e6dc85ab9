"""Load lessons/program.yml into versioned programs; cohorts keep the version they started with."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from seminar.core.content.problems import ContentError, Problem, SyncReport, display_path
from seminar.core.content.programs import (
    Program as ProgramSpec,
)
from seminar.core.content.programs import (
    check_program_references,
    parse_programs_with_lines,
    program_to_dict,
)
from seminar.db import db, next_number
from seminar.models import Program, ProgramVersion
from seminar.services.quiz_sync import content_hash


def sync_programs(
    path: Path, report: SyncReport, *, check: bool, lesson_slugs: set[str], quiz_slugs: set[str]
) -> None:
    """Each program whose requirements changed becomes a new version; a broken one waits."""
    if not path.is_file():
        return
    shown = display_path(str(path))
    label = path.name  # relative to the lessons folder, like lesson files
    try:
        parsed = parse_programs_with_lines(path.read_text(encoding="utf-8"), path=shown)
    except ContentError as exc:
        report.problems.extend(exc.problems)
        return
    except UnicodeDecodeError as exc:
        report.problems.append(Problem(shown, 1, f"not UTF-8 text ({exc.reason})"))
        return
    existing = {p.slug: p for p in db.session.scalars(select(Program))}
    for spec in parsed.programs:
        problems = check_program_references(
            spec,
            lesson_slugs=lesson_slugs,
            quiz_slugs=quiz_slugs,
            path=shown,
            line=parsed.lines[spec.slug],
        )
        if problems:
            report.problems.extend(problems)
            continue
        entry = f"{label}#{spec.slug}"
        if check:
            report.new.append(entry)
            continue
        _store(existing, spec, entry, report)
    if not check:
        for slug, program in existing.items():
            if slug not in parsed.lines and not program.retired:
                program.retired = True
                report.removed.append(f"{label}#{slug}")


def _store(existing: dict[str, Program], spec: ProgramSpec, entry: str, report: SyncReport) -> None:
    data = program_to_dict(spec)
    digest = content_hash(data)
    program = existing.get(spec.slug)
    if program is None:
        program = existing[spec.slug] = Program(slug=spec.slug)
        db.session.add(program)
        db.session.flush()
        report.new.append(entry)
    elif program.current is not None and program.current.content_hash == digest:
        program.retired = False
        report.unchanged.append(entry)
        return
    else:
        report.changed.append(entry)
    program.retired = False
    number = next_number(ProgramVersion.number, ProgramVersion.program_id == program.id)
    version = ProgramVersion(
        program_id=program.id,
        number=number,
        title=spec.title,
        credential=spec.credential,
        data=data,
        content_hash=digest,
    )
    db.session.add(version)
    db.session.flush()
    program.current = version
