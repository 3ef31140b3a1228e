"""`make run-cluster`: two gunicorn processes behind nginx (ip_hash), Redis, PostgreSQL.

    .venv/bin/python deploy/cluster.py [--port 8080] [--processes 2]

Checks nginx, Redis and PostgreSQL first and says what is missing. Migrates the database,
loads the demo (if empty) and a meeting for the bench, writes its details to
instance/cluster/meeting.json, then serves on http://127.0.0.1:PORT until Ctrl+C.
The bench then runs against it:

    .venv/bin/python -m bench --url http://127.0.0.1:8080 --meeting instance/cluster/meeting.json

Settings (environment): CLUSTER_DATABASE_URL (default: database `aterforing_cluster` on
PostgreSQL at 127.0.0.1:5432, created if missing), CLUSTER_REDIS_URL
(redis://127.0.0.1:6379/0), SECRET_KEY (one shared by every process; a random one if unset).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PREFIX = ROOT / "instance" / "cluster"
PG_ADMIN_URL = os.environ.get("CLUSTER_POSTGRES_ADMIN_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
DEFAULT_DB = "aterforing_cluster"


def fail(message: str) -> None:
    print(f"run-cluster: {message}", file=sys.stderr)
    sys.exit(1)


def check_nginx() -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if nginx is None:
        fail("nginx is missing. Install it (Debian/Ubuntu: `sudo apt-get install -y nginx`) "
             "and run `make run-cluster` again.")
    return nginx


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        fail(f"Redis does not answer at {url} ({error}). Start Redis or set CLUSTER_REDIS_URL.")


def database_url() -> str:
    url = os.environ.get("CLUSTER_DATABASE_URL")
    if url:
        return url
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (DEFAULT_DB,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DEFAULT_DB}"')
    except Exception as error:  # noqa: BLE001
        fail(f"PostgreSQL does not answer at {PG_ADMIN_URL} ({error}). Start PostgreSQL or "
             "set CLUSTER_DATABASE_URL.")
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{DEFAULT_DB}"


def nginx_config(port: int, upstream_ports: list[int]) -> Path:
    PREFIX.mkdir(parents=True, exist_ok=True)
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (PREFIX / sub).mkdir(exist_ok=True)
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
    text = (text.replace("@PREFIX@", str(PREFIX)).replace("@LISTEN@", f"127.0.0.1:{port}")
            .replace("@UPSTREAMS@", upstreams))
    path = PREFIX / "nginx.conf"
    path.write_text(text)
    return path


def wait_up(url: str, procs: list, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a process exited early: {proc.args}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 8080)))
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--first-port", type=int, default=5101)
    args = parser.parse_args()

    nginx = check_nginx()
    redis_url = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/0")
    check_redis(redis_url)
    db_url = database_url()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REQUIRE_"))}
    env.update(
        FLASK_APP="facilitator", APP_ENV=os.environ.get("APP_ENV", "development"),
        DATABASE_URL=db_url, SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        SOCKETIO_MESSAGE_QUEUE=redis_url, RATELIMIT_STORAGE_URI=redis_url,
        SOCKETIO_CHANNEL=os.environ.get("SOCKETIO_CHANNEL", "aterforing-cluster"),
        TRUSTED_PROXIES=os.environ.get("TRUSTED_PROXIES", "1"),  # nginx in front
        # The bench's phones all come from loopback addresses.
        JOIN_CODE_RATE_LIMIT=os.environ.get("JOIN_CODE_RATE_LIMIT", "100000 per minute"),
        LOGIN_RATE_LIMIT=os.environ.get("LOGIN_RATE_LIMIT", "1000 per minute"),
        LOGIN_ADDRESS_RATE_LIMIT=os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "1000 per minute"),
    )
    print("run-cluster: migrating the database and loading a meeting ...", flush=True)
    subprocess.run([str(BIN / "flask"), "demo", "--if-empty"], env=env, cwd=ROOT, check=False,
                   capture_output=True)
    done = subprocess.run([sys.executable, "-m", "bench.prepare"], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        fail(f"preparing the database failed:\n{done.stderr[-2000:]}")
    PREFIX.mkdir(parents=True, exist_ok=True)
    meeting_file = PREFIX / "meeting.json"
    meeting_file.write_text(done.stdout.strip().splitlines()[-1] + "\n")
    meeting_file.chmod(0o600)

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    ports = [args.first_port + i for i in range(args.processes)]
    procs = []
    try:
        for i, p in enumerate(ports):
            command = [str(BIN / "gunicorn"), "-k", "gevent", "-w", "1",
                       "--worker-connections", "10000", "-b", f"127.0.0.1:{p}",
                       "--graceful-timeout", "5", "wsgi:app"]
            if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
                command = ["taskset", "-c", str(i % os.cpu_count()), *command]
            # Each process's metrics on its own loopback port: 5101 -> 9101 (deploy.md).
            metrics = {"METRICS_PORT": str(p + 4000)} if p + 4000 < 65536 else {}
            procs.append(subprocess.Popen(command, env={**env, **metrics}, cwd=ROOT))
        for p in ports:
            wait_up(f"http://127.0.0.1:{p}/healthz", procs)
        conf = nginx_config(args.port, ports)
        procs.append(subprocess.Popen([nginx, "-c", str(conf), "-p", str(PREFIX)]))
        wait_up(f"http://127.0.0.1:{args.port}/healthz", procs)
        meeting = json.loads(meeting_file.read_text())
        relative = meeting_file.relative_to(ROOT)
        print(f"""
run-cluster: Återföring runs on http://127.0.0.1:{args.port}/ (nginx, ip_hash) in front of
  {len(ports)} gunicorn gevent processes on ports {", ".join(map(str, ports))}; message queue
  {redis_url}; database {db_url.split("@")[-1]}.
  Bench meeting: code {meeting["code"]}, facilitator {meeting["email"]} (details in
  {relative}). Run the bench against it:
    .venv/bin/python -m bench --url http://127.0.0.1:{args.port} --meeting {relative}
  Stop with Ctrl+C.
""", flush=True)
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.5)
        print("run-cluster: a process stopped; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
