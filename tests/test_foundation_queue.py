"""Two real server processes joined by Redis: an emit on one reaches a client on the other."""

import subprocess
import uuid

import pytest
from conftest import BIN, PASSWORD, REDIS_URL, ROOT, free_port, need, server_env, start_server
from helpers_foundation import SocketProbe, http_login, http_logout

EMAIL = "kluster@ivo.se"


def _redis_ok() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    need("redis", _redis_ok(), REDIS_URL)
    tmp = tmp_path_factory.mktemp("cluster")
    env = server_env(
        f"sqlite:///{tmp / 'cluster.sqlite3'}",
        SOCKETIO_MESSAGE_QUEUE=REDIS_URL,
        SOCKETIO_CHANNEL=f"aterforing-test-{uuid.uuid4().hex}",  # no crosstalk between runs
    )
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    subprocess.run(
        [str(BIN / "flask"), "users", "create", "--email", EMAIL, "--name", "Klas Kluster"],
        env=env, cwd=ROOT, input=f"{PASSWORD}\n{PASSWORD}\n", text=True, check=True,
        capture_output=True,
    )
    procs, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            procs.append(start_server(env, port))
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_both_servers_report_redis(two_servers):
    import requests

    for url in two_servers:
        assert requests.get(f"{url}/healthz", timeout=10).json()["redis"] == "ok"


def test_logout_on_one_process_reaches_the_socket_on_the_other(two_servers):
    a, b = two_servers
    http = http_login(a, EMAIL, PASSWORD)
    probe = SocketProbe().connect(b, http)
    try:
        assert probe.client.connected
        http_logout(http, a)
        assert probe.received("session_ended"), "the emit on A did not reach the client on B"
    finally:
        probe.close()


def test_a_login_on_one_process_is_known_to_the_other(two_servers):
    a, b = two_servers
    http = http_login(a, EMAIL, PASSWORD)
    assert "Välkommen, Klas Kluster" in http.get(f"{b}/", timeout=10).text
    http_logout(http, b)
    assert "Välkommen" not in http.get(f"{a}/", timeout=10).text
