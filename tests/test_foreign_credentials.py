"""Another issuer's Open Badges 3.0 credential, verified without trusting what it says of
itself (core/foreign_credentials.py): parsing garbage, the algorithms refused, the key taken
from the fetched key set, the signature, the dates, the holder and the hours."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey

from seminar.core import foreign_credentials as foreign
from tests.foreign_issuer import ForeignIssuer

EMAIL = "ann@example.org"
NOW = datetime.now(UTC)


def b64(data: Any) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def verified(issuer: ForeignIssuer, claims: dict[str, Any]) -> foreign.Verified:
    unverified = foreign.parse(issuer.sign(claims))
    key = foreign.key_for(issuer.jwks(), unverified)
    return foreign.check(foreign.verify_signature(unverified, key), email=EMAIL, now=NOW)


def problem(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(foreign.CredentialProblem) as refused:
        call(*args, **kwargs)
    return str(refused.value)


HEADER = {"alg": "ES256", "kid": "https://x.example/jwks.json#k"}
NESTED = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Paste your credential"),
        ("   \n ", "Paste your credential"),
        ("hello", "three parts separated by dots"),
        ("a.b", "three parts"),
        ("a..c", "three parts"),
        ("x" * 40_000, "longer than 32 KB"),
        ("!!!.???.***", "not base64"),
        (b64(b"\xff\xfe") + f".{b64({})}.sig", "not text"),
        (f"{b64(b'not json')}.{b64({})}.sig", "not JSON"),
        (f"{b64([1, 2])}.{b64({})}.sig", "not a JSON object"),
        (f"{b64(HEADER)}.{b64(NESTED.encode())}.sig", "not JSON"),
        (f"{b64(HEADER)}.{b64({'a': json.loads('[' * 30 + ']' * 30)})}.sig", "nested too deeply"),
        (f"{b64({'alg': 'none', 'kid': 'k'})}.{b64({})}.", "three parts"),
        (f"{b64({'alg': 'none', 'kid': 'k'})}.{b64({})}.x", "'none', which is not accepted"),
        (f"{b64({'alg': 'HS256', 'kid': 'k'})}.{b64({})}.x", "'HS256', which is not accepted"),
        (f"{b64({'alg': ['ES256'], 'kid': 'k'})}.{b64({})}.x", "is not accepted"),
        (f"{b64({'alg': 'ES256'})}.{b64({})}.x", "no kid"),
        (f"{b64({'alg': 'ES256', 'kid': 7})}.{b64({})}.x", "no kid"),
        ('{"type": ["OpenBadgeCredential"]}', "unsigned JSON badge cannot be verified"),
        ('{"a": ' * 50 + "1" + "}" * 50, "nested too deeply"),
        ("{broken", "not JSON"),
    ],
)
def test_garbage_is_refused_with_a_sentence(text: str, says: str) -> None:
    assert says in problem(foreign.parse, text)


def test_a_pasted_token_may_wrap_lines_or_sit_in_a_json_file() -> None:
    issuer = ForeignIssuer()
    token = issuer.sign(issuer.credential(EMAIL))
    wrapped = "\n".join(token[i : i + 60] for i in range(0, len(token), 60)) + "\n"
    assert foreign.parse(wrapped).token == token
    assert foreign.parse(json.dumps({"jwt": token})).token == token
    assert foreign.parse(json.dumps({"proof": {"jwt": token}})).token == token
    parsed = foreign.parse(token)
    assert parsed.jwks_url == f"{issuer.base}/.well-known/jwks.json"
    assert parsed.issuer_id == f"{issuer.base}/issuer"


def test_a_good_credential_states_its_hours_issuer_and_holder() -> None:
    issuer = ForeignIssuer()
    result = verified(issuer, issuer.credential(EMAIL.upper()))  # the address in any case
    assert result.hours == 7  # creditsEarned before the achievement's creditsAvailable
    assert (result.issuer_name, result.achievement) == ("SOTO-Europe", "Cranial seminar, Paris")
    assert result.issued_on == (NOW - timedelta(days=3)).date()
    assert result.holder == "e-mail (hashed, salted)"
    assert "Signature checked with SOTO-Europe's published key" in result.summary()
    assert "7 hours stated" in result.summary()
    subject = {"creditsEarned": None}
    assert verified(issuer, issuer.credential(EMAIL, subject=subject)).hours == 8
    bare = {"creditsEarned": "lots", "achievement": {"name": "Day"}}
    assert verified(issuer, issuer.credential(EMAIL, subject=bare)).hours is None
    plain = {"identifier": [{"identityType": "emailAddress", "hashed": False,
                             "identityHash": EMAIL}]}  # fmt: skip
    assert verified(issuer, issuer.credential(EMAIL, subject=plain)).holder == "e-mail"
    mailto = {"identifier": [], "id": f"mailto:{EMAIL}"}
    assert "subject's id" in verified(issuer, issuer.credential(EMAIL, subject=mailto)).holder


def test_the_replay_key_is_the_issuer_and_id() -> None:
    issuer = ForeignIssuer()
    claims = issuer.credential(EMAIL)
    first, again = verified(issuer, claims), verified(issuer, dict(claims))
    assert first.key == again.key and first.key.startswith("sha256:")
    assert verified(issuer, issuer.credential(EMAIL, id="urn:other")).key != first.key
    assert foreign.replay_key("i", None, {"a": 1}) == foreign.replay_key("i", "", {"a": 1})


def later(days: int) -> str:
    return (NOW + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"validUntil": later(-1)}, "The credential expired on"),
        ({"validFrom": later(2)}, "not valid yet"),
        ({"validFrom": "yesterday"}, "dates are not readable"),
        ({"validFrom": None, "nbf": 10**20}, "dates are not readable"),
        ({"validFrom": None}, "does not say when it was issued"),
        ({"type": ["VerifiableCredential"]}, "not an Open Badges 3.0 credential"),
        ({"type": "OpenBadgeCredential", "validUntil": later(-2)}, "expired"),
        ({"subject": {"identifier": []}}, "was not issued to you"),
        ({"subject": {"identifier": "x"}}, "was not issued to you"),
        ({"credentialSubject": []}, "was not issued to you"),
        ({"subject": {"identifier": [{"identityType": "emailAddress", "hashed": True,
                                      "identityHash": "sha256$00", "salt": 5}]}},
         "was not issued to you"),
    ],
)  # fmt: skip
def test_refused_claims(changes: dict[str, Any], says: str) -> None:
    issuer = ForeignIssuer()
    assert says in problem(verified, issuer, issuer.credential(EMAIL, **changes))


def test_someone_elses_credential_names_the_address_expected() -> None:
    issuer = ForeignIssuer()
    says = problem(verified, issuer, issuer.credential("bob@example.org"))
    assert "was not issued to you" in says and EMAIL in says


def test_the_signature_must_be_the_issuers() -> None:
    issuer = ForeignIssuer()
    claims = issuer.credential(EMAIL)
    forged = issuer.sign(claims, key=ECKey.generate_key("P-256", private=True))
    unverified = foreign.parse(forged)
    key = foreign.key_for(issuer.jwks(), unverified)
    assert "signature does not match" in problem(foreign.verify_signature, unverified, key)
    # A payload changed after signing (more hours) fails the same way.
    header, _, signature = issuer.sign(claims).split(".")
    richer = claims | {"credentialSubject": {**claims["credentialSubject"], "creditsEarned": 90}}
    tampered = foreign.parse(f"{header}.{b64(richer)}.{signature}")
    assert "signature does not match" in problem(foreign.verify_signature, tampered, key)


def test_hs256_keyed_with_the_public_key_never_reaches_a_key() -> None:
    issuer = ForeignIssuer()
    public_pem = issuer.key.as_pem(private=False)
    signed = f"{b64({'alg': 'HS256', 'kid': issuer.kid})}.{b64(issuer.credential(EMAIL))}"
    mac = hmac.new(public_pem, signed.encode(), hashlib.sha256).digest()
    token = f"{signed}.{b64(mac)}"
    assert "'HS256', which is not accepted" in problem(foreign.parse, token)


def test_the_key_comes_from_the_key_set_by_kid_and_type() -> None:
    issuer = ForeignIssuer()
    unverified = foreign.parse(issuer.sign(issuer.credential(EMAIL)))
    full_kid = {"keys": [{**issuer.jwks()["keys"][0], "kid": issuer.kid}]}
    assert foreign.key_for(full_kid, unverified).thumbprint() == issuer.key.thumbprint()
    for jwks in (
        [],
        "keys",
        {"keys": "x"},
        {"keys": [1, None, {}]},
        {"keys": [{**issuer.jwks()["keys"][0], "kid": "another"}]},
        {"keys": [{**issuer.jwks()["keys"][0], "crv": "P-384"}]},
        {"keys": [{**issuer.jwks()["keys"][0], "x": "not-a-point"}]},
        {"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": issuer.key.thumbprint()}]},
    ):
        assert "key" in problem(foreign.key_for, jwks, unverified)


def test_an_eddsa_credential_verifies() -> None:
    key = OKPKey.generate_key("Ed25519", private=True)
    issuer = ForeignIssuer()
    kid = f"{issuer.base}/keys.json#ed"
    token = jwt.encode(
        {"alg": "Ed25519", "kid": kid}, issuer.credential(EMAIL), key, algorithms=["Ed25519"]
    )
    unverified = foreign.parse(token)
    jwks = {"keys": [{**key.as_dict(private=False), "kid": "ed"}]}
    claims = foreign.verify_signature(unverified, foreign.key_for(jwks, unverified))
    assert foreign.check(claims, email=EMAIL, now=NOW).hours == 7


def test_the_key_must_be_on_the_issuers_own_site() -> None:
    issuer = ForeignIssuer()
    claims = issuer.credential(EMAIL)
    assert foreign.issuer_host(foreign.parse(issuer.sign(claims))) == "badges.soto-europe.example"
    for named in ("https://soto.example/issuer", "urn:uuid:1", "", "http://[bad"):
        token = issuer.sign(claims | {"issuer": {"id": named}, "iss": named})
        says = problem(foreign.issuer_host, foreign.parse(token))
        assert "not published by the site of the issuer it names" in says
    did = claims | {"issuer": "did:web:badges.soto-europe.example:issuers:1"}
    assert foreign.issuer_host(foreign.parse(issuer.sign(did))) == "badges.soto-europe.example"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("0.0.0.0", False),  # noqa: S104 (an address refused, not bound)
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
    ],
)
def test_only_public_addresses_are_fetched(address: str, public: bool) -> None:
    assert foreign.is_public_address(address) is public


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://badges.example/jwks.json", False),
        ("http://badges.example:8080/jwks.json", False),
        ("file:///etc/passwd", True),
        ("gopher://badges.example/", True),
        ("https:///jwks.json", True),
        ("https://user:pw@badges.example/", True),
        ("jwks.json", True),
    ],
)
def test_only_web_addresses_are_fetched(url: str, refused: bool) -> None:
    assert (foreign.web_url_problem(url) is not None) is refused


LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
# Two levels of lists and objects, built out (st.recursive warns, at random, that it cannot
# recurse when its draws happen not to).
NESTED = LEAF | st.lists(LEAF, max_size=4) | st.dictionaries(st.text(max_size=8), LEAF, max_size=4)
JSON = (
    NESTED | st.lists(NESTED, max_size=3) | st.dictionaries(st.text(max_size=8), NESTED, max_size=3)
)
KEYS = st.sampled_from([
    "type", "issuer", "iss", "id", "jti", "validFrom", "validUntil", "nbf", "exp",
    "credentialSubject", "vc", "name", "identifier", "achievement", "creditsEarned",
    "creditsAvailable", "hashed", "identityHash", "salt", "identityType",
])  # fmt: skip
CLAIMS = st.dictionaries(KEYS, JSON | st.dictionaries(KEYS, JSON), max_size=8)


@settings(max_examples=300, deadline=None)
@given(claims=CLAIMS)
def test_any_claims_are_read_or_refused_with_a_sentence(claims: dict[str, Any]) -> None:
    """Whatever a signer put in it, reading it is an answer or a CredentialProblem."""
    claims = claims | {"type": ["OpenBadgeCredential"], "validFrom": "2020-01-01T00:00:00Z"}
    with contextlib.suppress(foreign.CredentialProblem):
        foreign.check(claims, email=EMAIL, now=NOW)


@settings(max_examples=300, deadline=None)
@given(header=st.dictionaries(st.sampled_from(["alg", "kid", "typ"]), JSON), body=st.text())
def test_any_token_is_parsed_or_refused_with_a_sentence(header: dict[str, Any], body: str) -> None:
    for text in (body, f"{b64(header)}.{b64(body.encode())}.x", f"{b64(header)}.e30.x"):
        with contextlib.suppress(foreign.CredentialProblem):
            unverified = foreign.parse(text)
            foreign.web_url_problem(unverified.jwks_url)
            foreign.key_for({"keys": [header]}, unverified)


@pytest.mark.parametrize("kid", ["http://[::1", "http://x:port/", "http://[/#k", "\x00"])
def test_broken_key_addresses_are_not_web_addresses(kid: str) -> None:
    assert foreign.web_url_problem(kid) is not None
