"""Two server processes, one meeting: PostgreSQL is the database, Redis the message queue.

Phones connect straight to each process over WebSocket (no nginx needed) and must see each
other's questions and votes, with every `change` in `seq` order; the facilitators' consoles on
both processes count the phones connected to either.
"""

import asyncio
import json
import random
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import pytest
from conftest import ROOT, free_port, server_env, start_server

from bench import meeting
from bench.servers import Server

pytestmark = pytest.mark.xdist_group("cluster")


async def _until(predicate, timeout: float = 8.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def _has_change(phone, qid) -> bool:
    return any(c[1] == "contribution" and c[2] == qid for c in phone.changes)


def _votes_seen(phone, qid) -> int:
    return max((counts.get(str(qid), 0) for _t, counts in phone.votes), default=0)


async def _ask(phone, text: str) -> int:
    answer = await phone.sock.call("submit", {"client_id": uuid.uuid4().hex,
                                              "kind": "question", "text": text})
    assert answer["ok"], answer
    return answer["item"]["id"]


async def _meeting_over_two_processes(url_a: str, url_b: str, data: dict) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        run_a = meeting.Run(Server("app", url_a, None, None, data), meeting.Settings(n=3),
                            session=session)
        run_b = meeting.Run(Server("app", url_b, None, None, data), meeting.Settings(n=3),
                            session=session)
        # A facilitator on each process; the one on B starts the meeting.
        await run_b.login_facilitator()
        await run_a.login_facilitator()
        rng = random.Random(1)
        on_a = [meeting.Phone(i) for i in range(3)]
        on_b = [meeting.Phone(i) for i in range(3, 6)]
        for phone in on_a:
            await run_a.join(phone, data["organization_ids"], rng)
        for phone in on_b:
            await run_b.join(phone, data["organization_ids"], rng)
        phones = on_a + on_b

        # Asked on A, approved on B: every phone on both processes gets it.
        first = await _ask(on_a[0], "Hur följer nämnden upp barnets berättelse?")
        answer = await run_b.facilitator.call("moderate", {"action": "approve", "id": first})
        assert answer["ok"], answer
        await _until(lambda: all(_has_change(p, first) for p in phones), what="question 1")

        # Asked on B, approved on A.
        second = await _ask(on_b[0], "Vem ansvarar för uppföljningen i Farsta?")
        answer = await run_a.facilitator.call("moderate", {"action": "approve", "id": second})
        assert answer["ok"], answer
        await _until(lambda: all(_has_change(p, second) for p in phones), what="question 2")

        # Votes on both processes are counted together, and every phone sees the total; the
        # asker cannot support their own question.
        for phone in phones[1:]:
            answer = await phone.sock.call("vote", {"question_id": first, "on": True})
            assert answer["ok"], answer
        answer = await on_a[0].sock.call("vote", {"question_id": first, "on": True})
        assert answer["ok"] is False and answer["error"] == "conflict", answer
        await _until(lambda: all(_votes_seen(p, first) == 5 for p in phones), what="5 votes")

        # One more change from each side, then the order check.
        answer = await run_a.facilitator.call("moderate", {"action": "pin", "id": second})
        assert answer["ok"], answer
        answer = await run_b.facilitator.call("moderate", {"action": "answer", "id": first})
        assert answer["ok"], answer
        await _until(lambda: all(len(p.changes) >= 4 for p in phones), what="4 changes")
        await asyncio.sleep(0.3)

        sequences = [[c[:3] for c in p.changes] for p in phones]
        for seqs in sequences:
            numbers = [s[0] for s in seqs]
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), numbers
        assert all(s == sequences[0] for s in sequences), sequences
        assert [s[2] for s in sequences[0]] == [first, second, second, first]

        for phone in [*phones, run_a, run_b]:
            sock = phone.facilitator if isinstance(phone, meeting.Run) else phone.sock
            await sock.close()


async def _count_over_two_processes(url_a: str, url_b: str, data: dict) -> None:
    """A console on each process; phones join on both and one leaves: both consoles follow
    within two seconds."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        runs = [meeting.Run(Server("app", url, None, None, data), meeting.Settings(n=3),
                            session=session) for url in (url_a, url_b)]
        seen: list[list[dict]] = [[], []]
        for run, counts in zip(runs, seen, strict=True):
            await run.login_facilitator()
            run.facilitator.on_event = lambda name, payload, _t, counts=counts: (
                counts.append(payload) if name == "presence" else None)
            answer = await run.facilitator.call("snapshot", {})
            assert answer["snapshot"]["presence"]["total"] == 0, answer["snapshot"]["presence"]

        def total(counts) -> int | None:
            # The count with the highest version is the one a console shows.
            return max(counts, key=lambda c: c["v"])["total"] if counts else None

        rng = random.Random(2)
        phones = [meeting.Phone(i) for i in range(3)]
        await runs[0].join(phones[0], data["organization_ids"], rng)
        for phone in phones[1:]:
            await runs[1].join(phone, data["organization_ids"], rng)
        await _until(lambda: all(total(c) == 3 for c in seen), timeout=2.0, what="3 phones")
        await phones[1].sock.close()  # one phone on B leaves
        await _until(lambda: all(total(c) == 2 for c in seen), timeout=2.0, what="2 phones")
        await asyncio.sleep(0.6)  # nothing later says otherwise
        assert [total(c) for c in seen] == [2, 2]
        for c in seen:
            assert all(set(group) == {"role", "n"} and group["n"] >= 3
                       for update in c for group in update["by_role"])
        for sock in [phones[0].sock, phones[2].sock, *(r.facilitator for r in runs)]:
            await sock.close()


def _two_processes(postgres_url, redis_url, play) -> None:
    """Prepare a meeting, start two processes joined by Redis, and play `play` against them."""
    env = server_env(postgres_url, SOCKETIO_MESSAGE_QUEUE=redis_url,
                     SOCKETIO_CHANNEL=f"test-cluster-{uuid.uuid4().hex[:8]}",
                     RATELIMIT_STORAGE_URI="memory://",
                     JOIN_CODE_RATE_LIMIT="1000 per minute")
    # `flask db upgrade` (bench.prepare migrates), then a facilitator and a published dialogue.
    done = subprocess.run([sys.executable, "-m", "bench.prepare"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    procs = []
    try:
        ports = [free_port(), free_port()]
        procs = [start_server(env, port) for port in ports]
        urls = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
        # A thread of its own: a browser test in the same worker may hold this thread's loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: asyncio.run(play(*urls, data))).result()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_phones_on_two_processes_see_each_others_questions_and_votes_in_order(
        postgres_url, redis_url):
    _two_processes(postgres_url, redis_url, _meeting_over_two_processes)


def test_the_consoles_count_of_phones_is_shared_by_two_processes(postgres_url, redis_url):
    _two_processes(postgres_url, redis_url, _count_over_two_processes)
