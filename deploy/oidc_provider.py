"""A real OpenID Connect provider process on loopback, for the tests and `make run-oidc`.

It is oidc-provider-mock (PyPI): Authlib's own authorization server with discovery, JWKS,
RS256-signed ID tokens, single-use authorization codes, nonces, an end-session endpoint,
and an HTTP API to set a person's claims (`PUT /users/<sub>`). Why this one: deploy.md.

The mock leaves PKCE out, so this file, run as a script, starts it with Authlib's own PKCE
extension (RFC 7636) on its authorization code grant and a code challenge required, as
Entra ID and Inera's provider do: an authorization request without an S256 challenge is
refused, and a code is exchanged only with the verifier that matches its challenge.
"""

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


class Provider:
    """One provider process; `url` is its issuer."""

    def __init__(self, port: int, *, token_max_age: int = 3600, users: tuple[dict, ...] = ()):
        self.url = f"http://127.0.0.1:{port}"
        args = [str(BIN / "python"), str(Path(__file__).resolve()), "--port", str(port),
                "--require-nonce", "--no-refresh-token", "--token-max-age", str(token_max_age)]
        for user in users:
            args += ["--user-claims", json.dumps(user)]
        fd, self.log_path = tempfile.mkstemp(prefix=f"oidc-provider-{port}-", suffix=".log")
        with open(fd, "wb") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                            env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})

    def wait(self, timeout: float = 20) -> "Provider":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"provider exited: {Path(self.log_path).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(
                        f"{self.url}/.well-known/openid-configuration", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("provider did not start in time")

    def set_user(self, sub: str, claims: dict) -> None:
        """Set what the provider says about a person at their next sign-in."""
        request = urllib.request.Request(
            f"{self.url}/users/{sub}", data=json.dumps(claims).encode(), method="PUT",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 204, answer.status

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def _serve_with_pkce() -> None:
    """Run oidc-provider-mock's command line with the PKCE check on its code grant."""
    from authlib.oauth2.rfc6749 import InvalidRequestError
    from authlib.oauth2.rfc7636 import CodeChallenge
    from oidc_provider_mock import _app
    from oidc_provider_mock.__main__ import run

    challenges: dict[str, tuple[str, str]] = {}  # authorization code -> (challenge, method)

    class RequiredS256Challenge(CodeChallenge):
        SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

        def validate_code_challenge(self, grant, redirect_uri):
            data = grant.request.payload.data
            if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
                raise InvalidRequestError("PKCE with code_challenge_method=S256 is required")
            super().validate_code_challenge(grant, redirect_uri)

        def get_authorization_code_challenge(self, authorization_code):
            return challenges.get(authorization_code.code, (None, None))[0]

        def get_authorization_code_challenge_method(self, authorization_code):
            return challenges.get(authorization_code.code, (None, None))[1]

    class PkceCodeGrant(_app.AuthorizationCodeGrant):
        def __init__(self, request, server):
            super().__init__(request, server)
            RequiredS256Challenge(required=True)(self)

        def save_authorization_code(self, code, request):
            data = request.payload.data
            challenges[code] = (data.get("code_challenge"), data.get("code_challenge_method"))
            super().save_authorization_code(code, request)

    _app.AuthorizationCodeGrant = PkceCodeGrant  # read when the provider's app is made
    run()


if __name__ == "__main__":
    _serve_with_pkce()
