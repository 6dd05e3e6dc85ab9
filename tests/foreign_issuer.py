"""Another organisation's Open Badges 3.0 issuer, for tests: a key, credentials signed with it
as VC-JWT, and (`serve_jwks`) its key set served over HTTP on the loopback interface by
http.server in a thread, as a real issuer's would be on the web."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey

from seminar.core.credentials import identity_hash, iso

SALT = "pepper-42"


@dataclass
class ForeignIssuer:
    base: str = "https://badges.soto-europe.example"
    name: str = "SOTO-Europe"
    key: ECKey = field(default_factory=lambda: ECKey.generate_key("P-256", private=True))
    padding: int = 0  # characters of filler in the key set (a key set too large to read)

    @property
    def kid(self) -> str:
        return f"{self.base}/.well-known/jwks.json#{self.key.thumbprint()}"

    def jwks(self) -> dict[str, Any]:
        public = self.key.as_dict(private=False)
        key = {**public, "kid": self.key.thumbprint(), "alg": "ES256", "use": "sig"}
        return {"keys": [key], **({"filler": "x" * self.padding} if self.padding else {})}

    def credential(self, email: str, **changes: Any) -> dict[str, Any]:
        """The claims of a credential for `email` (hashed and salted), 7 hours earned;
        `changes` replace top-level claims, `subject` the credentialSubject's."""
        now = datetime.now(UTC)
        subject: dict[str, Any] = {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                "identityHash": identity_hash(email, SALT), "salt": SALT,
            }],
            "achievement": {
                "id": f"{self.base}/achievements/cranial",
                "type": ["Achievement"],
                "name": "Cranial seminar, Paris",
                "creditsAvailable": 8,
            },
            "creditsEarned": 7,
        }  # fmt: skip
        subject.update(changes.pop("subject", {}))
        claims: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": f"{self.base}/credentials/{now.timestamp()}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": f"{self.base}/issuer", "type": ["Profile"], "name": self.name},
            "validFrom": iso(now - timedelta(days=3)),
            "validUntil": iso(now + timedelta(days=365)),
            "credentialSubject": subject,
        }
        claims.update(changes)
        claims["iss"], claims["jti"] = claims["issuer"]["id"], claims["id"]
        return claims

    def sign(self, claims: dict[str, Any], *, key: ECKey | None = None) -> str:
        header = {"alg": "ES256", "typ": "JWT", "kid": self.kid}
        return jwt.encode(header, claims, key or self.key, algorithms=["ES256"])


@contextmanager
def serve_jwks(issuer: ForeignIssuer) -> Iterator[ForeignIssuer]:
    """Serve the issuer's key set at http://127.0.0.1:<port>/.well-known/jwks.json; the
    issuer's base becomes that address while it runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            body = json.dumps(issuer.jwks()).encode()
            found = self.path == "/.well-known/jwks.json"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    issuer.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
