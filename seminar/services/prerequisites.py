"""Admission to a cohort on a program with prerequisites (`admission:` in program.yml) and
table instructors (`table_instructor_after:`): checked wherever someone is enrolled, so the
invite link, staff enrolment, CSV imports and the command line all refuse the same way.

Staff cannot override a refusal: a person joins a level once they meet what it asks (a record
of the level before, hours, years in practice). What is missing is said in full, so the person
(or their organiser) knows what to do: declare hours with evidence, set the licence date, or
complete the level before.
"""

from __future__ import annotations

from seminar.core import levels
from seminar.core.content.programs import program_from_dict
from seminar.core.errors import SeminarError
from seminar.models import Cohort, MemberRole, User
from seminar.queries import ladder
from seminar.queries.records import local_today


class NotAdmitted(SeminarError):
    def __init__(self, message: str, reasons: tuple[str, ...], field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reasons = reasons


def applies(cohort: Cohort, role: MemberRole) -> bool:
    """Whether joining the cohort in this role has anything to check."""
    if role == MemberRole.TABLE_INSTRUCTOR:
        return True
    return (
        role == MemberRole.STUDENT and program_from_dict(cohort.program_version.data).admission.any
    )


def check(cohort: Cohort, user: User, role: MemberRole, *, by_self: bool) -> None:
    """Raise NotAdmitted, saying exactly what is missing, unless the person may join the
    cohort in this role. `by_self`: the person is joining (worded "you")."""
    if role == MemberRole.STUDENT:
        reasons = ladder.missing_for(cohort, user, you=by_self)
        if reasons:
            who = "You cannot" if by_self else f"{user.name} cannot"
            raise NotAdmitted(
                f"{who} join {cohort.title} yet. " + "; ".join(reasons) + ".",
                reasons,
                field="email",
            )
    elif role == MemberRole.TABLE_INSTRUCTOR and not ladder.may_assist(cohort, user):
        raise NotAdmitted(
            f"{user.name} holds no record that makes them eligible to assist on {cohort.title}.",
            (),
            field="email",
        )


def newcomer_missing(cohort: Cohort, *, you: bool) -> tuple[str, ...]:
    """What joining the cohort needs of someone without an account (who has nothing yet)."""
    program = program_from_dict(cohort.program_version.data)
    if not program.admission.any:
        return ()
    return levels.missing(
        program.admission,
        levels.LevelFacts(held=frozenset()),
        titles=ladder.program_titles(),
        today=local_today(),
        you=you,
    )


def check_invitation(cohort: Cohort, email: str, role: MemberRole) -> None:
    """Someone without an account cannot be invited into a cohort whose program needs what
    only an account can hold (a record, hours, a licence date): invite them without a cohort
    (People), and enrol them once they meet it."""
    if role == MemberRole.STUDENT and (reasons := newcomer_missing(cohort, you=False)):
        raise NotAdmitted(
            f"{email} has no account yet, so cannot join {cohort.title}: "
            + "; ".join(reasons)
            + ". Invite them without a cohort, and enrol them once they meet it.",
            reasons,
            field="email",
        )
