"""A real OpenID Connect provider process on loopback, for the tests and `make run-oidc`.

It is oidc-provider-mock (PyPI): Authlib's own authorization server with discovery, JWKS,
RS256-signed ID tokens, single-use authorization codes, nonces, an end-session endpoint,
and an HTTP API to set a person's claims (`PUT /users/<sub>`). Why this one: deploy.md.
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
        args = [str(BIN / "python"), "-m", "oidc_provider_mock", "--port", str(port),
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
