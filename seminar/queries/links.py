"""The address links are built on: the configured public one (BASE_URL), else the address the
request came in on, so `make run PORT=5101` gives links on port 5101 with nothing to set."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

# Outside a request (a command) with nothing configured: where `make run` serves by default.
FALLBACK = "http://127.0.0.1:5000"


def configured() -> str:
    return str(current_app.config.get("BASE_URL") or "").rstrip("/")


def base_url() -> str:
    if base := configured():
        return base
    if has_request_context():
        return request.host_url.rstrip("/")
    return FALLBACK


def is_local(url: str) -> bool:
    """Only this computer can open it (loopback)."""
    host = urlsplit(url).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1") or host.endswith(".localhost")


def lan_address() -> str | None:
    """This computer's address on its network, which phones in the room could reach (a UDP
    socket is pointed at a private address; nothing is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def on_lan(url: str) -> str | None:
    """The same address with this computer's network address for its loopback host."""
    lan = lan_address()
    if lan is None or not is_local(url):
        return None
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{lan}{port}"


def to(path: str) -> str:
    """An absolute link to one of the app's paths (in e-mail, which has no request)."""
    return base_url() + path
