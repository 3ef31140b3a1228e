"""Where the server's time goes, per kind of operation: py-spy on the gunicorn worker.

    python -m bench.profile --n 1000 --op join,snapshot,vote,approve

Joins `n` phones, then repeats each operation for a few seconds while py-spy samples the
worker; prints the server CPU per operation and the heaviest frames (inclusive, own code
and libraries), and writes each raw profile to bench/results/profile-<op>.txt.
"""

import argparse
import asyncio
import collections
import random
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp

from . import meeting, servers

RESULTS = Path(__file__).resolve().parent / "results"


def top_frames(path: Path, limit: int = 25) -> list[tuple[float, str]]:
    inclusive: collections.Counter = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        total += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    wanted = [(n * 100 / total, f) for f, n in inclusive.most_common(400)
              if "facilitator/" in f or "sqlalchemy/orm/session.py" in f or "do_commit" in f
              or "socketio/" in f or "jinja2/environment.py" in f]
    return wanted[:limit]


def own_frames(path: Path, limit: int = 12) -> list[tuple[float, str]]:
    """The frames where the samples were taken (own time), heaviest first."""
    own: collections.Counter = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or not stack:
            continue
        total += int(count)
        own[stack.split(";")[-1]] += int(count)
    return [(n * 100 / total, f) for f, n in own.most_common(limit)] if total else []


async def main(args) -> None:
    server = servers.start_app(args.db, core=args.server_core)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                         cookie_jar=aiohttp.DummyCookieJar()) as session:
            run = meeting.Run(server, meeting.Settings(n=args.n), session=session)
            await run.login_facilitator()
            rng = random.Random(1)
            phones = [meeting.Phone(i) for i in range(args.n)]
            limit = asyncio.Semaphore(8)

            async def join(phone):
                async with limit:
                    await run.join(phone, server.meeting["organization_ids"], rng)

            await asyncio.gather(*(join(p) for p in phones[:-200]))
            run.phones = phones
            extra = iter(phones[-200:])
            qid = await meeting.Run.ask_and_approve(run, 0, phones[0])
            qid = qid[0]
            counter = iter(range(1, 10**6))

            async def one(op):
                k = next(counter)
                if op == "join":
                    await join(next(extra))
                elif op == "snapshot":
                    await phones[k % 200].sock.call("snapshot", {})
                elif op == "vote":
                    await phones[k].sock.call("vote", {"question_id": qid, "on": True})
                elif op == "approve":
                    await meeting.Run.ask_and_approve(run, k, phones[(k * 7) % 500])
                elif op == "answer":
                    await run.facilitator.call("moderate", {
                        "action": "answer" if k % 2 else "unanswer", "id": qid})
                elif op == "submit":
                    await phones[k].sock.call("submit", {
                        "client_id": uuid.uuid4().hex, "kind": "question", "text": "Fråga?"})

            for op in args.op:
                out = Path(args.out) / f"profile-{op}.txt"
                spy_proc = subprocess.Popen(
                    [spy, "record", "-p", str(server.pid), "-o", str(out), "-f", "raw",
                     "-r", "250", "-d", str(int(args.seconds) + 1)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                await asyncio.sleep(0.8)
                cpu0, t0, done = server.cpu_seconds(), time.monotonic(), 0
                while time.monotonic() - t0 < args.seconds and done < 190:
                    await asyncio.gather(*(one(op) for _ in range(args.concurrency)))
                    done += args.concurrency
                cpu = server.cpu_seconds() - cpu0
                _out, spy_err = spy_proc.communicate()
                if not out.exists():
                    print(f"\n== {op}: py-spy wrote no profile: {spy_err[-500:]}")
                    continue
                print(f"\n== {op}: {done} in {time.monotonic() - t0:.1f} s, server CPU "
                      f"{cpu / done * 1000:.1f} ms per {op} (N={args.n})")
                print("  inclusive, the app's own functions and the layers they call:")
                for share, frame in top_frames(out):
                    print(f"  {share:5.1f}%  {frame}")
                print("  own time:")
                for share, frame in own_frames(out):
                    print(f"  {share:5.1f}%  {frame}")
    finally:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--op", default="join,snapshot,vote,approve,answer")
    parser.add_argument("--db", default="postgres", choices=("postgres", "sqlite"))
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    args.op = args.op.split(",")
    asyncio.run(main(args))
