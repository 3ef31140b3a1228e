"""Socket.IO on the real server (gunicorn, gevent): origin check, size limit, login sessions."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import socketio
from helpers_foundation import SocketProbe, http_login, http_logout

pytestmark = pytest.mark.xdist_group("live")

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def test_a_foreign_origin_is_refused_and_the_own_origin_accepted(live_server):
    url = live_server.url + HANDSHAKE
    foreign = requests.get(url, headers={"Origin": "http://evil.example"}, timeout=10)
    assert foreign.status_code == 400
    own = requests.get(url, headers={"Origin": live_server.url}, timeout=10)
    assert own.status_code == 200
    assert own.text.startswith("0{") and '"sid"' in own.text
    assert own.headers.get("Access-Control-Allow-Origin") in (None, live_server.url)
    without = requests.get(url, timeout=10)  # non-browser clients send no Origin
    assert without.status_code == 200


def test_the_handshake_advertises_the_64_kb_limit(live_server):
    own = requests.get(live_server.url + HANDSHAKE, timeout=10)
    assert '"maxPayload":65536' in own.text


def test_an_anonymous_socket_is_refused(live_server):
    probe = SocketProbe()
    with pytest.raises(socketio.exceptions.ConnectionError):
        probe.connect(live_server.url)
    probe.close()


@pytest.fixture
def logged_in(live_server):
    http = http_login(live_server.url, live_server.email, live_server.password)
    probes = []

    def connect(transports=("websocket",)):
        probe = SocketProbe().connect(live_server.url, http, transports)
        probes.append(probe)
        return probe

    yield http, connect
    for probe in probes:
        probe.close()


def test_a_logged_in_facilitator_connects(logged_in):
    _http, connect = logged_in
    probe = connect()
    assert probe.client.connected
    assert probe.client.transport() == "websocket"


def test_a_message_over_64_kb_drops_the_websocket(logged_in):
    _http, connect = logged_in
    probe = connect()
    probe.client.emit("ping_test", {"text": "x" * 70_000})
    assert probe.disconnected.wait(10), "the server kept a connection that sent > 64 KB"


def test_a_polling_post_over_64_kb_is_refused(live_server):
    opened = requests.get(live_server.url + HANDSHAKE, timeout=10)
    url = f"{live_server.url}{HANDSHAKE}&sid={json.loads(opened.text[1:])['sid']}"
    with ThreadPoolExecutor(1) as pool:
        # A real client always keeps a long poll open; the server answers it when it closes.
        long_poll = pool.submit(requests.get, url, timeout=20)
        time.sleep(0.3)
        big = requests.post(url, data="42" + json.dumps(["x", "y" * 70_000]), timeout=10)
        assert big.status_code == 400
        assert long_poll.result().status_code in (200, 400)
    assert requests.get(url, timeout=10).status_code == 400  # the session is gone



def test_a_small_message_keeps_the_connection(logged_in):
    _http, connect = logged_in
    probe = connect()
    probe.client.emit("ping_test", {"text": "x" * 1000})
    time.sleep(0.5)
    assert probe.client.connected


def test_logout_ends_the_socket_on_the_real_server(live_server, logged_in):
    http, connect = logged_in
    probe = connect()

    http_logout(http, live_server.url)

    assert probe.received("session_ended")
    assert probe.disconnected.wait(10)
    assert "Välkommen" not in http.get(live_server.url + "/", timeout=10).text
