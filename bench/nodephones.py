"""Phones played by a client the project did not write: the official socket.io-client
under Node (`bench/node/phones.mjs`), installed by the bench from the npm registry into
`bench/node/node_modules/` (ignored by git, never committed).

It measures the join storm (as the browser's client connects) and the fan-out of approved
questions and a burst of broadcasts, with the server's CPU per join and per broadcast and
the Node client's own CPU, so that a figure the client limits is marked as such.
"""

import asyncio
import json
import random
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import aiohttp

from . import meeting

HERE = Path(__file__).resolve().parent / "node"
#: A client using this much of its core (or more) is the limit, not the server.
CLIENT_BOUND = 0.85


def node() -> str | None:
    return shutil.which("node")


def ensure_installed() -> str | None:
    """Install the pinned socket.io-client once; the reason when it cannot be."""
    if node() is None or shutil.which("npm") is None:
        return "node or npm is not installed"
    if (HERE / "node_modules" / "socket.io-client" / "package.json").exists():
        return None
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-package-lock",
                           "--loglevel=error"], cwd=HERE, capture_output=True, text=True)
    if done.returncode:
        return f"npm install failed: {done.stderr[-500:]}"
    return None


class NodePhones:
    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc

    async def read(self, timeout: float = 120) -> dict:
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
            if not line:
                raise RuntimeError("the Node phones exited")
            try:
                return json.loads(line)
            except ValueError:
                continue  # a stray line of output

    async def command(self, text: str) -> dict:
        self.proc.stdin.write(text.encode() + b"\n")
        await self.proc.stdin.drain()
        return await self.read()

    async def quit(self) -> None:
        if self.proc.returncode is None:
            try:
                self.proc.stdin.write(b"quit\n")
                await self.proc.stdin.drain()
                await asyncio.wait_for(self.proc.wait(), 10)
            except (TimeoutError, ConnectionError):
                self.proc.kill()
                await self.proc.wait()


async def start(server, n: int, join_rate: float, max_in_flight: int,
                core: int | None) -> NodePhones:
    cfg = {"url": server.url, "n": n, "joinRate": join_rate, "maxInFlight": max_in_flight,
           "mode": server.kind, "code": server.meeting.get("code"),
           "dialogueId": server.meeting["dialogue_id"],
           "organizationIds": server.meeting.get("organization_ids") or []}
    command = [node(), str(HERE / "phones.mjs"), json.dumps(cfg)]
    if core is not None and shutil.which("taskset"):
        command = ["taskset", "-c", str(core), *command]
    proc = await asyncio.create_subprocess_exec(
        *command, cwd=HERE, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL, limit=64 * 1024 * 1024)
    return NodePhones(proc)


def _fanout(report: dict, sent: dict[int, float], phones: int) -> dict:
    last = []
    missing = 0
    for qid, at in sent.items():
        count, t = report["arrivals"].get(str(qid), (0, None))
        missing += phones - count
        if t is not None:
            last.append(t / 1000 - at)
    return {"questions": len(sent), "missing_deliveries": missing,
            "all_phones": meeting.summary(last)}


async def play(server, n: int, join_rate: float, questions: int = 8, broadcasts: int = 30,
               core: int | None = None) -> dict:
    """Node phones join; the facilitator (and one phone of the Python client, who asks)
    approve `questions` at two a second, then send `broadcasts` back to back."""
    result: dict = {"server": server.kind, "n": n, "client": "socket.io-client (Node)"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        run = meeting.Run(server, meeting.Settings(n=1), session=session)
        await run.login_facilitator()
        # One asker per question: a phone's own questions are rate-limited.
        askers = [meeting.Phone(i) for i in range(questions)]
        rng = random.Random(1)
        for asker in askers:
            await run.join(asker, server.meeting.get("organization_ids") or [0], rng)
        cpu0, rss0 = server.cpu_seconds(), server.rss_kb()
        phones = await start(server, n, join_rate, 200, core)
        try:
            joined = await phones.read(timeout=120 + n * 0.2)  # a slow server too
            cpu = server.cpu_seconds() - cpu0
            await asyncio.sleep(0.5)
            rss = server.rss_kb()
            count = joined["joined"]
            joined["server_cpu_ms_per_join"] = round(cpu / count * 1000, 2) if count else None
            joined["client_bound"] = joined["client_cpu_share"] >= CLIENT_BOUND
            result["join"] = joined
            result["memory"] = {"kb_per_phone": round((rss - rss0) / max(1, count), 1)}

            await phones.command("mark")
            sent: dict[int, float] = {}
            for k in range(questions):
                answer = await askers[k].sock.call("submit", {
                    "client_id": uuid.uuid4().hex, "kind": "question",
                    "text": meeting.QUESTION.format(n=k)})
                if not answer.get("ok"):
                    raise RuntimeError(f"question refused: {answer}")
                qid = answer["item"]["id"]
                sent[qid] = time.time()  # wall clock: the Node phones stamp theirs with it
                answer = await run.facilitator.call("moderate", {"action": "approve",
                                                                 "id": qid})
                if not answer.get("ok"):
                    raise RuntimeError(f"approve refused: {answer}")
                await asyncio.sleep(0.5)
            await asyncio.sleep(0.8)
            report = await phones.command("report")
            result["fanout"] = _fanout(report, sent, count)

            qid = next(iter(sent))
            await phones.command("mark")
            cpu0, t0 = server.cpu_seconds(), time.monotonic()
            for i in range(broadcasts):
                await run.facilitator.call("moderate", {
                    "action": "answer" if i % 2 == 0 else "unanswer", "id": qid})
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                report = await phones.command("report")
                if report["changes"] >= broadcasts * count:
                    break
                await asyncio.sleep(0.1)
            elapsed = time.monotonic() - t0
            cpu = server.cpu_seconds() - cpu0
            share = report["client_cpu_seconds"] / max(report["seconds"], 1e-6)
            result["burst"] = {
                "broadcasts": broadcasts, "delivered": report["changes"],
                "expected": broadcasts * count, "seconds": round(elapsed, 2),
                "server_cpu_ms_per_broadcast": round(cpu / broadcasts * 1000, 1),
                "messages_per_s": round(report["changes"] / elapsed),
                "client_cpu_share": round(share, 2), "client_bound": share >= CLIENT_BOUND,
            }
        finally:
            await phones.quit()
    return result
