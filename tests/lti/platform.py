"""An LTI 1.3 platform (a pretend LMS) for the tests: its own RSA key pair,
signed id tokens, and its HTTP endpoints (JWKS, OAuth2 token, AGS line item
scores, NRPS memberships) answered through ``responses`` at the requests
layer, so pylti1p3 talks to it exactly as it would to Canvas or Moodle."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import jwt
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

from trellis.lti.services import platform_register

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


def _key_pair() -> tuple[str, str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    kid = JWK.from_pem(public_pem.encode()).thumbprint()
    return kid, private_pem, public_pem


@dataclass
class FakeLms:
    """One LMS installation. ``mock`` must be an active ``responses.RequestsMock``."""

    mock: responses.RequestsMock
    issuer: str = "https://lms.example.edu"
    client_id: str = "trellis-client-1"
    deployment_id: str = "deployment-1"
    scores: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.kid, self.private_pem, self.public_pem = _key_pair()
        base = self.issuer
        self.auth_login_url = f"{base}/auth"
        self.auth_token_url = f"{base}/token"
        self.key_set_url = f"{base}/jwks"
        self.memberships_url = f"{base}/courses/7/memberships"
        self.lineitem_url = f"{base}/courses/7/lineitems/1"
        self.mock.add(responses.GET, self.key_set_url, json=self.jwks())
        self.mock.add_callback(responses.POST, self.auth_token_url, callback=self._token)
        self.mock.add_callback(responses.POST, f"{self.lineitem_url}/scores", callback=self._score)
        self.mock.add_callback(responses.GET, self.memberships_url, callback=self._members)

    # -- the platform's HTTP endpoints
    def jwks(self) -> dict:
        jwk = json.loads(JWK.from_pem(self.public_pem.encode()).export_public())
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.token_requests.append(form)
        body = {"access_token": uuid.uuid4().hex, "token_type": "bearer", "expires_in": 3600}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _score(self, request):
        assert request.headers["Authorization"].startswith("Bearer ")
        self.scores.append(json.loads(request.body))
        return 200, {"Content-Type": "application/json"}, "{}"

    def _members(self, request):
        body = {"id": self.memberships_url, "context": {"id": "course-7"}, "members": self.members}
        return (
            200,
            {"Content-Type": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"},
            json.dumps(body),
        )

    # -- registering it at Trellis
    def register(self, school, *, create_accounts: bool = False):
        return platform_register(
            school=school,
            name="Canvas",
            issuer=self.issuer,
            client_id=self.client_id,
            deployment_ids=[self.deployment_id],
            auth_login_url=self.auth_login_url,
            auth_token_url=self.auth_token_url,
            key_set_url=self.key_set_url,
            create_accounts=create_accounts,
        )

    # -- what a browser does between the LMS and Trellis
    def login(self, client, login_hint: str = "hint-1") -> dict:
        """Third-party initiated login; returns the state and nonce Trellis
        put on its redirect to the platform's authentication endpoint."""
        answer = client.get(
            "/lti/login/",
            {
                "iss": self.issuer,
                "client_id": self.client_id,
                "login_hint": login_hint,
                "target_link_uri": "http://testserver/lti/launch/",
            },
        )
        assert answer.status_code == 302, answer.content
        url = urlparse(answer["Location"])
        assert f"{url.scheme}://{url.netloc}{url.path}" == self.auth_login_url
        return {k: v[0] for k, v in parse_qs(url.query).items()}

    def claims(self, *, sub: str, nonce: str, roles: list[str], **extra) -> dict:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "version": "1.3.0",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "roles": roles,
            CLAIM + "context": {"id": "course-7", "title": "Maths 7 (LMS)"},
            CLAIM + "resource_link": {"id": "link-1"},
            NRPS_CLAIM: {
                "context_memberships_url": self.memberships_url,
                "service_versions": ["2.0"],
            },
        }
        body.update(extra)
        return body

    def deep_linking_claims(self, *, sub: str, nonce: str, **extra) -> dict:
        body = self.claims(sub=sub, nonce=nonce, roles=[INSTRUCTOR], **extra)
        body.pop(CLAIM + "resource_link")
        body[CLAIM + "message_type"] = "LtiDeepLinkingRequest"
        body[DL_CLAIM + "deep_linking_settings"] = {
            "deep_link_return_url": f"{self.issuer}/deep_links/return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "data": "dl-data-1",
        }
        return body

    def sign(self, claims: dict, *, private_pem: str | None = None) -> str:
        return jwt.encode(
            claims, private_pem or self.private_pem, algorithm="RS256", headers={"kid": self.kid}
        )

    def launch(self, client, token: str, state: str):
        return client.post("/lti/launch/", {"id_token": token, "state": state})

    def with_ags(self, claims: dict) -> dict:
        claims[AGS_CLAIM] = {
            "scope": [SCORE_SCOPE, LINEITEM_SCOPE],
            "lineitem": self.lineitem_url,
            "lineitems": f"{self.issuer}/courses/7/lineitems",
        }
        return claims


def other_key() -> str:
    """A private key the platform never published: a forger's."""
    return _key_pair()[1]
