"""A real SMTP server for the test run (aiosmtpd on loopback) and helpers to read what the
app sent through it: parsed messages, their text and HTML parts, the links in them."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from tests.pgserver import free_port


class MailServer:
    """aiosmtpd in a thread; `received` holds every envelope, in order."""

    def __init__(self, port: int | None = None) -> None:
        from aiosmtpd.controller import Controller

        self.received: list[Any] = []
        received = self.received

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                received.append(envelope)
                return "250 OK"

        self.port = port or free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> MailServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def config(self) -> dict[str, Any]:
        """What the app needs to deliver here."""
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_FROM": "seminar@example.org",
        }

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [parse(e.content) for e in list(self.received) if address in e.rcpt_tos]

    def wait_for_mail(self, address: str, count: int = 1, seconds: float = 15) -> EmailMessage:
        """The `count`-th message to `address`, once it has arrived (polled, never slept on)."""
        assert wait_for(lambda: len(self.messages_to(address)) >= count, seconds), (
            f"no message {count} to {address}; got {[e.rcpt_tos for e in self.received]}"
        )
        return self.messages_to(address)[count - 1]


def parse(content: bytes) -> EmailMessage:
    message = message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, "not a multipart text and HTML message"
    return text.get_content(), html.get_content()


def link(message: EmailMessage, path: str) -> str:
    """The link to `path` (e.g. "/invite/") in the message's text part; the HTML part has
    the same one."""
    text, html = parts(message)
    found = re.search(rf"https?://\S+{re.escape(path)}\S+", text)
    assert found, f"no link to {path} in:\n{text}"
    assert found.group(0) in html
    return found.group(0)


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
