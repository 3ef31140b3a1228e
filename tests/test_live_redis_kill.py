"""Redis killed and started again under two processes (PostgreSQL, gunicorn + gevent, a
Redis of the test's own on a free port): phones split between the processes keep asking;
what was published while Redis was gone is lost on the way, and the seq heartbeat makes
every phone notice and catch up. Asserts every acknowledged question stored exactly once,
no `ok` without a row, every phone's view equal to the database, and the time from Redis
back to every phone current; the figures are printed in the run's summary."""

import asyncio
import time
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa
from conftest import free_port
from helpers_fault import (
    QUESTIONS,
    OwnRedis,
    RoomPhone,
    Server,
    phone_session,
    play,
    serve,
    start_room,
    until_acknowledged,
    wind_down,
)

PHONES = 60
OUTAGE_SECONDS = 5
#: Redis back → every phone current: the heartbeat (3 s) + the reorder window (2.5 s) + a
#: snapshot, with room for a loaded machine.
RECOVERY_SECONDS = 10

pytestmark = pytest.mark.xdist_group("cluster")


@pytest.fixture
def two_servers(tmp_path, postgres_url, own_redis):
    first = serve(tmp_path, PHONES, postgres_url, SOCKETIO_MESSAGE_QUEUE=own_redis.url,
                  SOCKETIO_CHANNEL=f"test-kill-{uuid.uuid4().hex[:8]}",
                  RATELIMIT_STORAGE_URI=own_redis.url)
    second = Server(first.env, free_port(), first.database_url, first.dialogue, first.cookie,
                    first.phones)
    second.start()
    yield first, second
    first.stop()
    second.stop()


def _seq(server: Server) -> int:
    engine = sa.create_engine(server.database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT seq FROM dialogues WHERE id = :id"),
                                {"id": server.dialogue}).scalar()
    finally:
        engine.dispose()


async def _meeting_through_an_outage(servers, redis_server: OwnRedis) -> dict:
    async with phone_session() as session:
        phones = [RoomPhone(servers[n % 2], pid, token)
                  for n, (pid, token) in enumerate(servers[0].phones)]
        runs, deadline = await start_room(phones, session)
        total = len(phones) * QUESTIONS
        await until_acknowledged(phones, 1 / 4, deadline)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, redis_server.kill)
        acked_at_kill = sum(len(p.acked) for p in phones)
        await asyncio.sleep(OUTAGE_SECONDS)
        acked_in_outage = sum(len(p.acked) for p in phones) - acked_at_kill
        await loop.run_in_executor(None, redis_server.start)
        back_at = time.monotonic()
        while time.monotonic() < deadline and any(p.outbox for p in phones):
            await asyncio.sleep(0.05)
        final = await loop.run_in_executor(None, _seq, servers[0])
        while time.monotonic() < deadline and any(p.seq != final for p in phones):
            await asyncio.sleep(0.05)
        current_after = time.monotonic() - back_at
        rows, snapshots = await wind_down(servers[0], phones, runs, session)
    return {"phones": phones, "rows": rows, "snapshots": snapshots, "total": total,
            "final": final, "current_after": current_after, "acked_in_outage": acked_in_outage}


def test_a_redis_killed_under_two_processes_loses_no_question_and_every_phone_catches_up(
        two_servers, own_redis, record_property):
    run = play(_meeting_through_an_outage, two_servers, own_redis)
    phones, rows, total = run["phones"], run["rows"], run["total"]
    acks = {cid: item for p in phones for cid, item in p.acked.items()}
    lost = sum(p.lost for p in phones)
    behind = [p.participant_id for p in phones if p.seq != run["final"]]
    record_property("figure", (
        f"Redis killed for {OUTAGE_SECONDS} s under two processes on PostgreSQL: {PHONES} "
        f"phones, {total} submitted, {len(acks)} acknowledged ({run['acked_in_outage']} "
        f"during the outage), {len(rows)} stored; {lost} gaps outlasted the window and took "
        f"a snapshot; every phone current (seq {run['final']}) "
        f"{run['current_after']:.1f} s after Redis was back; errors "
        f"{dict(Counter(e['error'] for p in phones for e in p.errors)) or 'none'}"))
    assert [p.errors for p in phones if p.errors] == []
    assert run["acked_in_outage"] > 0, "writes should go on while Redis is gone"
    # Every acknowledged question is stored, once, and nothing else is.
    assert len(acks) == total
    assert sorted(row[1] for row in rows) == sorted(acks)
    for p in phones:
        for cid, item in p.acked.items():
            assert item["id"] in {row[0] for row in rows if row[1] == cid}
    # Every phone's view is the database's.
    public = [row[0] for row in rows if row[4] == "approved" and not row[5] and row[6] is None]
    for p, snapshot in zip(phones, run["snapshots"], strict=True):
        assert [q["id"] for q in snapshot["questions"]] == public
        assert {m["client_id"] for m in snapshot["mine"]} == set(p.acked)
    assert behind == [], f"{len(behind)} phones never caught up"
    assert sum(p.out_of_order for p in phones) == 0
    assert lost > 0, "changes published while Redis was gone should have been missed"
    assert run["current_after"] <= RECOVERY_SECONDS, run["current_after"]
