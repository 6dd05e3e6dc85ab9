"""Domain errors: something a user asked for cannot be done. Services raise them; the web and
command-line layers show the message, next to the form field it concerns when it names one."""

from __future__ import annotations


class SeminarError(Exception):
    """The message is shown to the user; `field` names the form field it concerns (the
    services' keyword argument of the same name), or None for the request as a whole."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def messages(self) -> list[str]:
        """One line each, as shown under the field."""
        return [self.message]


class NotAllowed(SeminarError):
    pass


class Conflict(SeminarError):
    pass


class RecordError(SeminarError):
    """A completion record cannot be issued, revoked or reissued as asked."""
