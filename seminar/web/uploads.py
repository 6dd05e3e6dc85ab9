"""Text files sent through a form to be previewed, then confirmed (quiz files, CSV enrolments)."""

from __future__ import annotations

import re

from flask import current_app
from werkzeug.datastructures import FileStorage
from wtforms import Field

from seminar.core.errors import SeminarError


class UploadTooLarge(SeminarError):
    pass


def text_from(
    file: Field, pasted: Field, *, what: str, save_as: str, round_trip: bool = True
) -> str:
    """The text of the uploaded file, else what was pasted; refused (naming the field) when
    there is neither, or the file is not UTF-8 text or too large to preview. `round_trip`:
    the preview sends the text back through a form field (else only the request's size
    limit, MAX_CONTENT_LENGTH, applies)."""
    upload = file.data
    if upload and upload.filename:
        try:
            if not round_trip:
                return str(upload.read().decode("utf-8"))
            return read_text_upload(upload)
        except UnicodeDecodeError:
            raise SeminarError(
                f"The file is not UTF-8 text. Save it as '{save_as}' and try again.",
                field=file.name,
            ) from None
        except UploadTooLarge as exc:
            raise SeminarError(exc.message, field=file.name) from None
    text = pasted.data or ""
    if not text.strip():
        raise SeminarError(f"Choose {what} or paste its text.", field=pasted.name)
    return text


def read_text_upload(upload: FileStorage) -> str:
    """The file's UTF-8 text; a UnicodeDecodeError is left for the caller to word.

    The preview puts the text back into the form's text field for the confirming POST, and a
    form field may carry at most MAX_FORM_MEMORY_SIZE bytes. A larger file is refused here,
    with its limit, rather than previewed and then refused with a bare error page on confirm.
    """
    limit = current_app.config.get("MAX_FORM_MEMORY_SIZE")
    if limit is None:
        return upload.read().decode("utf-8")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(too_large(limit))
    text = data.decode("utf-8")
    # Browsers send a text field's line ends as CRLF, which can take a file over the limit.
    if len(re.sub(r"\r\n|\r|\n", "\r\n", text).encode("utf-8")) > limit:
        raise UploadTooLarge(too_large(limit))
    return text


def too_large(limit: int) -> str:
    return (
        f"The file is larger than {limit // 1000:,} kB, the most that can be previewed and "
        "then saved. Split it into smaller files and send each in turn."
    )
