"""`make run-oidc`: Återföring signing in through a real OpenID Connect provider on loopback.

    .venv/bin/python deploy/run_oidc.py [--port 5000] [--provider-port 9400]

Starts oidc-provider-mock (deploy/oidc_provider.py) with four people to pick on its page —
a facilitator, an admin, a board's staff member (Gnesta) and someone outside the groups —
migrates the database, loads the demo (if empty) and serves the app with OIDC_* set to that
provider, until Ctrl+C. The settings are the same as for Entra ID or an Inera-style
provider (docs/deploy.md); only the issuer, the client and the group names differ.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.oidc_provider import BIN, Provider  # noqa: E402

PEOPLE = (
    {"sub": "samordnare", "email": "samordnare@ivo.se", "email_verified": True,
     "name": "Sam Samordnare", "groups": ["aterforing-samordnare"]},
    {"sub": "admin", "email": "admin@ivo.se", "email_verified": True,
     "name": "Ada Administratör", "groups": ["aterforing-samordnare", "aterforing-admin"]},
    {"sub": "gnesta", "email": "handlaggare@gnesta.se", "email_verified": True,
     "name": "Nora Nämnd", "groups": ["aterforing-namnd"], "organization": "Gnesta"},
    {"sub": "utanfor", "email": "utanfor@ivo.se", "email_verified": True,
     "name": "Uno Utanför", "groups": ["ekonomi"]},
)


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5000)))
    parser.add_argument("--provider-port", type=int, default=9400)
    args = parser.parse_args()

    # SIGTERM (systemd, `timeout`, a terminal closing) stops both processes, as Ctrl+C does.
    signal.signal(signal.SIGTERM, _interrupt)
    provider = Provider(args.provider_port, users=PEOPLE).wait()
    try:
        serve(args, provider)
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()


def serve(args, provider: Provider) -> None:
    env = dict(os.environ)
    env.update(
        FLASK_APP="facilitator", OIDC_ISSUER=provider.url, OIDC_CLIENT_ID="aterforing",
        OIDC_CLIENT_SECRET=secrets.token_urlsafe(16), OIDC_ORGANIZATION="IVO",
        OIDC_ALLOWED_GROUP="aterforing-samordnare", OIDC_ADMIN_GROUP="aterforing-admin",
        OIDC_BOARD_GROUP="aterforing-namnd", OIDC_BOARD_CLAIM="organization",
    )
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True)
    subprocess.run([str(BIN / "flask"), "demo", "--if-empty"], env=env, cwd=ROOT, check=True)
    print(f"\nInloggningstjänst (OpenID Connect) på {provider.url}: välj en person på dess sida.")
    for person in PEOPLE:
        print(f"  {person['sub']:<11} {person['email']:<24} {', '.join(person['groups'])}")
    print(f"Återföring på http://127.0.0.1:{args.port}/logga-in  (avsluta med Ctrl+C)\n")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-k", "gevent", "-w", "1", "--worker-connections", "10000",
         "-b", f"127.0.0.1:{args.port}", "--access-logfile", "-", "wsgi:app"],
        env=env, cwd=ROOT)
    try:
        server.wait()
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(10)


if __name__ == "__main__":
    main()
