"""Start and stop the servers under test: the real app and the bare python-socketio server,
each as gunicorn with one gevent worker pinned to one core, as in production."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
#: gunicorn's gevent worker serves at most this many connections at once (default 1,000).
WORKER_CONNECTIONS = "10000"


def gunicorn_command(app: str, port: int, core: int | None) -> list[str]:
    command = [str(BIN / "gunicorn"), "-k", "gevent", "-w", "1",
               "--worker-connections", WORKER_CONNECTIONS, "-b", f"127.0.0.1:{port}",
               "--graceful-timeout", "2", "--log-level", "warning", app]
    if core is not None and shutil.which("taskset"):
        command = ["taskset", "-c", str(core), *command]
    return command


def _log_tail(proc: subprocess.Popen) -> str:
    path = getattr(proc, "log_path", None)
    return Path(path).read_text(errors="replace")[-3000:] if path else ""


def launch(command: list[str], env: dict) -> subprocess.Popen:
    """Start a server with its log in a file (a full pipe would stall the server)."""
    log = tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = log.name
    log.close()
    return proc


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {_log_tail(proc)}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError as error:
            if getattr(error, "code", None):  # any HTTP answer means it is up
                return
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server did not start in time: {url}")


def worker_pid(master: int, timeout: float = 10) -> int:
    """gunicorn's worker: the master's child (through taskset, which execs in place)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            children = []
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise RuntimeError("no gunicorn worker found")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    kind: str
    url: str
    proc: subprocess.Popen | None
    pid: int | None
    meeting: dict = field(default_factory=dict)
    cleanup: list = field(default_factory=list)

    def rss_kb(self) -> int | None:
        return rss_kb(self.pid) if self.pid else None

    def cpu_seconds(self) -> float | None:
        return cpu_seconds(self.pid) if self.pid else None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for fn in reversed(self.cleanup):
            fn()
        if self.proc is not None and getattr(self.proc, "log_path", None) \
                and not os.environ.get("BENCH_KEEP_LOGS"):
            Path(self.proc.log_path).unlink(missing_ok=True)

    def log_tail(self) -> str:
        return _log_tail(self.proc) if self.proc is not None else ""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REQUIRE_"))}
    env.update(
        FLASK_APP="facilitator", APP_ENV="production", DATABASE_URL=database_url,
        SECRET_KEY="bench-secret-" + uuid.uuid4().hex,
        # Every phone comes from 127.0.0.1: the per-address limits must not throttle the bench.
        LOGIN_RATE_LIMIT="100000 per minute", LOGIN_ADDRESS_RATE_LIMIT="100000 per minute",
        JOIN_CODE_RATE_LIMIT="100000 per minute",
        **extra,
    )
    return env


def new_database(kind: str) -> tuple[str, callable]:
    """A fresh database URL and a function that removes it."""
    if kind == "postgres":
        import psycopg

        name = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)

        def drop():
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return f"{base}/{name}", drop
    tmp = tempfile.mkdtemp(prefix="bench-")
    return f"sqlite:///{tmp}/bench.sqlite3", lambda: shutil.rmtree(tmp, ignore_errors=True)


def prepare(env: dict) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.prepare"], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"bench.prepare failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_app(database: str = "sqlite", core: int | None = 0, **extra: str) -> Server:
    url, drop = new_database(database)
    env = app_env(url, **extra)
    try:
        meeting = prepare(env)
    except Exception:
        drop()
        raise
    port = _free_port()
    proc = launch(gunicorn_command("wsgi:app", port, core), env)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/healthz", proc)
    server = Server("app", base, proc, worker_pid(proc.pid), meeting, [drop])
    return server


def start_bare(core: int | None = 0) -> Server:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REQUIRE_"))}
    proc = launch(gunicorn_command("bench.bare:app", port, core), env)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/socket.io/?EIO=4&transport=polling", proc)
    return Server("bare", base, proc, worker_pid(proc.pid), {"dialogue_id": 1})
