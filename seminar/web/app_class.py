"""The app's class: Flask, with a memory of the relative links it has built."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.globals import _cv_request

# Links kept per worker before starting afresh (a dashboard links each student it shows).
LINKS = 20_000


class SeminarFlask(Flask):
    """Every page builds a dozen links that are the same on every request (the menu, the
    stylesheet, a lesson's neighbours), and Werkzeug's builder cost more than the rest of a
    lesson page's template. Inside a request, a relative link depends only on the endpoint,
    its values and where the app is mounted, so each worker keeps those it built. External
    links, anchors, relative endpoints, values that are not plain, and any app with URL
    defaults are built as Flask builds them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._links: dict[tuple[Any, ...], str] = {}

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        ctx = _cv_request.get(None)
        if (
            ctx is None
            or _anchor is not None
            or _method is not None
            or _scheme is not None
            or _external
            or endpoint[:1] == "."
            or any(self.url_default_functions.values())
        ):
            return super().url_for(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        key = (endpoint, ctx.request.script_root, *sorted(values.items()))
        try:
            found = self._links.get(key)
        except TypeError:  # a list or another value that cannot be a key
            return super().url_for(endpoint, **values)
        if found is None:
            found = super().url_for(endpoint, **values)
            if len(self._links) >= LINKS:
                self._links = {}
            self._links[key] = found
        return found
