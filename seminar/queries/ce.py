"""The CE provider profile (configuration: `CE_PROVIDER`) and a session's course approvals and
delivery (its own, over its program's), as CE certificates and rosters state them."""

from __future__ import annotations

from typing import Any

from flask import current_app

from seminar.core import ce
from seminar.core.content.programs import program_from_dict
from seminar.models import SeminarSession


def provider() -> ce.Provider:
    """Checked when the app starts (create_app), so reading it here cannot fail."""
    config = current_app.config
    return ce.provider_from_config(config.get("CE_PROVIDER"), default_name=config["ISSUER_NAME"])


def provider_identifiers(profile: ce.Provider) -> tuple[str, ...]:
    """The provider numbers as the issuer profile lists them: 'FL provider 50-12345'."""
    return tuple(f"{b.jurisdiction} provider {b.provider_number}" for b in profile.boards)


def own_approvals(session: SeminarSession) -> tuple[ce.Approval, ...]:
    """The approvals the session holds itself (its form's lines)."""
    return tuple(ce.Approval.from_dict(a) for a in session.ce_approvals or [])


def approvals_of(session: SeminarSession) -> tuple[ce.Approval, ...]:
    """Its own approvals, and its program's for every other jurisdiction."""
    program = program_from_dict(session.cohort.program_version.data)
    return ce.merge(program.approvals, own_approvals(session))


def terms(sessions: list[SeminarSession]) -> dict[str, Any]:
    """What a CE certificate for these sessions freezes: the provider and its numbers, how
    the sessions were delivered, and every course approval they hold."""
    profile = provider()
    return {
        "provider": {
            "name": profile.name,
            "numbers": [
                {"jurisdiction": b.jurisdiction, "board": b.name, "number": b.provider_number}
                for b in profile.boards
            ],
        },
        "delivery": ce.delivery_label(s.delivery for s in sessions),
        "approvals": [a.to_dict() for a in ce.union(approvals_of(s) for s in sessions)],
    }
