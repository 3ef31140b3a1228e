"""The meeting, played by N phones and a facilitator, against the app or the bare server.

Phases, in order: join storm, questions approved at about one a second (fan-out), an upvote
storm (30 % of N within 2 s), a stance poll (80 % of N within 5 s; app only), and a burst of
broadcasts as fast as the server acknowledges them (delivered messages a second).
"""

import asyncio
import os
import random
import re
import time
import uuid
import zlib
from dataclasses import dataclass, field

import aiohttp

from .sio import Socket

clock = time.monotonic
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROLES = ("socialsekreterare", "arbetsledare", "chef", "politiker", "ivo", "annan")
QUESTION = ("Hur ska nämnden säkerställa att barnets egen berättelse dokumenteras i varje "
            "förhandsbedömning, fråga {n}?")


@dataclass
class Settings:
    n: int
    join_rate: float = 100.0
    max_in_flight: int = 200
    questions: int = 10
    question_interval: float = 1.0
    vote_share: float = 0.30
    vote_window: float = 2.0
    stance_share: float = 0.80
    stance_window: float = 5.0
    burst_messages: int = 40_000
    settle: float = 0.8
    seed: int = 6


class Phone:
    __slots__ = ("index", "sock", "changes", "votes", "stances", "joined_at", "cookie")

    def __init__(self, index: int):
        self.index = index
        self.sock: Socket | None = None
        self.changes: list[tuple] = []  # (seq, type, id, t)
        self.votes: list[tuple] = []  # (t, {question id: count})
        self.stances: list[tuple] = []  # (t, reflection id, n)
        self.joined_at: float | None = None
        self.cookie = ""

    def on_event(self, name, payload, t):
        if name == "change":
            data = payload.get("data") or {}
            self.changes.append((payload.get("seq"), payload.get("type"),
                                 data.get("id") if isinstance(data, dict) else None, t))
        elif name == "tally":
            if "votes" in payload:
                self.votes.append((t, payload["votes"]))
            elif "stances" in payload:
                s = payload["stances"]
                self.stances.append((t, s.get("reflection_id"), s.get("n", 0)))


def pct(values, q: float) -> float | None:
    """The q-th percentile (nearest rank), in the values' unit; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def summary(values_s) -> dict:
    return {"n": len(values_s), "p50_ms": ms(pct(values_s, 50)), "p99_ms": ms(pct(values_s, 99)),
            "max_ms": ms(max(values_s)) if values_s else None}


@dataclass
class Run:
    server: object  # servers.Server
    settings: Settings
    phones: list = field(default_factory=list)
    facilitator: Socket | None = None
    result: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    session: aiohttp.ClientSession | None = None
    #: Phones spread over these (each from its own source address), else all use `session`.
    sessions: list = field(default_factory=list)
    #: Every event frame the first phone received, (name, text): the frame sizes.
    frames: list = field(default_factory=list)
    #: Who asked each question (question id -> Phone): they do not vote on it.
    askers: dict = field(default_factory=dict)

    @property
    def is_app(self) -> bool:
        return self.server.kind == "app"

    @property
    def dialogue_id(self) -> int:
        return self.server.meeting["dialogue_id"]

    def error(self, where: str, what) -> None:
        if len(self.errors) < 50:
            self.errors.append(f"{where}: {what}")

    # --- setup ------------------------------------------------------------------------

    async def login_facilitator(self) -> None:
        fac_events: list = []
        self.facilitator = Socket(lambda *event: fac_events.append(event))
        cookie = ""
        if self.is_app:
            base, meeting = self.server.url, self.server.meeting
            async with self.session.get(f"{base}/logga-in") as r:
                token = CSRF.search(await r.text()).group(1)
                cookie = _cookies(r)
            form = {"csrf_token": token, "email": meeting["email"],
                    "password": meeting["password"]}
            async with self.session.post(f"{base}/logga-in", data=form, allow_redirects=False,
                                         headers={"Cookie": cookie}) as r:
                if r.status != 302:
                    raise RuntimeError(f"facilitator login failed: {r.status}")
                cookie = _merge(cookie, _cookies(r))
        await self.facilitator.connect(self.session, self.server.url,
                                       {"dialogue": self.dialogue_id, "as": "facilitator"},
                                       cookie)
        if self.is_app:
            answer = await self.facilitator.call("agenda", {"action": "start"})
            if not answer.get("ok"):
                raise RuntimeError(f"could not start the meeting: {answer}")

    async def join(self, phone: Phone, org_ids: list, rng: random.Random) -> float:
        """One phone joins: the join page, the profile form, the socket and the snapshot."""
        t0 = clock()
        base = self.server.url
        session = self.sessions[phone.index % len(self.sessions)] if self.sessions \
            else self.session
        if self.is_app:
            code = self.server.meeting["code"]
            async with session.get(f"{base}/m/{code}", allow_redirects=False) as r:
                if r.status != 200:
                    raise RuntimeError(f"join page {r.status}")
                token = CSRF.search(await r.text()).group(1)
                session_cookie = _cookies(r)
            form = {"csrf_token": token, "role": rng.choice(ROLES),
                    "organization": str(rng.choice(org_ids)) if rng.random() < 0.95 else "none"}
            async with session.post(f"{base}/m/{code}/profil", data=form,
                                         allow_redirects=False,
                                         headers={"Cookie": session_cookie}) as r:
                await r.read()
                if r.status != 302:
                    raise RuntimeError(f"profile form {r.status}")
                name = f"deltagare_{self.dialogue_id}"
                morsel = r.cookies.get(name)
                if morsel is None:
                    raise RuntimeError("no participant cookie")
                phone.cookie = f"{name}={morsel.value}"
        phone.sock = Socket(phone.on_event, self.frames if phone.index == 0 else None)
        await phone.sock.connect(session, base, {"dialogue": self.dialogue_id}, phone.cookie)
        answer = await phone.sock.call("snapshot", {})
        if not answer.get("ok"):
            raise RuntimeError(f"snapshot refused: {answer}")
        phone.joined_at = clock()
        return phone.joined_at - t0

    async def join_storm(self) -> None:
        """N joins offered at `join_rate` a second (open loop: latency counts from each join's
        scheduled start, so waiting for a busy server is included). At most `max_in_flight`
        at once, as a busy venue's Wi-Fi would. Memory per phone is measured from the RSS
        once the first tenth has joined (first-use costs excluded) to the end."""
        s = self.settings
        rng = random.Random(s.seed)
        org_ids = self.server.meeting.get("organization_ids") or [0]
        self.phones = [Phone(i) for i in range(s.n)]
        latencies: list[float] = []
        failures = 0
        slots = asyncio.Semaphore(s.max_in_flight)
        start = clock() + 0.05

        async def one(phone: Phone):
            nonlocal failures
            scheduled = start + phone.index / s.join_rate
            await asyncio.sleep(max(0.0, scheduled - clock()))
            try:
                async with slots:
                    await self.join(phone, org_ids, rng)
                latencies.append(phone.joined_at - scheduled)
            except Exception as error:  # noqa: BLE001 - counted and reported
                failures += 1
                self.error("join", repr(error))

        first = max(1, s.n // 10)
        cpu_before = self.server.cpu_seconds()
        client_before = _own_cpu()
        began = start
        await asyncio.gather(*(one(p) for p in self.phones[:first]))
        paused = clock()
        await asyncio.sleep(0.2)
        rss_before = self.server.rss_kb()
        connected_before = sum(1 for p in self.phones[:first] if p.joined_at is not None)
        pause = clock() - paused
        start += pause  # the rest keeps its schedule, shifted by the pause
        await asyncio.gather(*(one(p) for p in self.phones[first:]))
        elapsed = clock() - began - pause
        await asyncio.sleep(0.5)
        rss_after = self.server.rss_kb()
        cpu = (self.server.cpu_seconds() - cpu_before) if cpu_before is not None else None
        joined = len(latencies)
        self.result["join"] = {
            "offered_per_s": s.join_rate, "max_in_flight": s.max_in_flight, "joined": joined,
            "failed": failures, "rate_per_s": round(joined / elapsed, 1),
            "seconds": round(elapsed, 2),
            "server_cpu_ms_per_join": round(cpu / joined * 1000, 1) if cpu and joined else None,
            "client_cpu_share": round((_own_cpu() - client_before) / elapsed, 2),
            **summary(latencies),
        }
        connected = [p for p in self.phones if p.sock is not None and not p.sock.closed]
        if rss_before and rss_after:
            added = len(connected) - connected_before
            self.result["memory"] = {
                "rss_at_first_tenth_kb": rss_before, "rss_after_kb": rss_after,
                "connected": len(connected),
                "kb_per_phone": round((rss_after - rss_before) / max(1, added), 1),
            }
        self.phones = [p for p in self.phones if p.joined_at is not None]

    # --- questions and fan-out -----------------------------------------------------------

    async def ask_and_approve(self, k: int, phone: Phone) -> tuple[int, float, bool]:
        client_id = uuid.uuid4().hex
        payload = {"client_id": client_id, "kind": "question", "text": QUESTION.format(n=k)}
        answer = await phone.sock.call("submit", payload)
        if not answer.get("ok"):
            raise RuntimeError(f"submit refused: {answer}")
        item = answer["item"]
        self.askers[item["id"]] = phone
        resent_ok = True
        if self.is_app:  # a phone that lost the acknowledgement sends the same thing again
            again = await phone.sock.call("submit", payload)
            resent_ok = bool(again.get("ok")) and again["item"]["id"] == item["id"] \
                and again.get("created") is False
        sent = clock()
        answer = await self.facilitator.call("moderate", {"action": "approve", "id": item["id"]})
        if not answer.get("ok"):
            raise RuntimeError(f"approve refused: {answer}")
        return item["id"], sent, resent_ok

    async def questions(self) -> list[int]:
        s = self.settings
        approved: list[tuple[int, float]] = []
        duplicates_refused = 0
        start = clock()
        for k in range(s.questions):
            await asyncio.sleep(max(0.0, start + k * s.question_interval - clock()))
            phone = self.phones[(k * 7919) % len(self.phones)]
            try:
                qid, sent, resent_ok = await self.ask_and_approve(k, phone)
                approved.append((qid, sent))
                duplicates_refused += resent_ok
            except Exception as error:  # noqa: BLE001
                self.error("question", repr(error))
        await asyncio.sleep(s.settle)
        all_phones, deliveries, missing = [], [], 0
        for qid, sent in approved:
            last = None
            for phone in self.phones:
                t = next((c[3] for c in phone.changes if c[1] == "contribution" and c[2] == qid),
                         None)
                if t is None:
                    missing += 1
                    continue
                deliveries.append(t - sent)
                last = t if last is None or t > last else last
            if last is not None:
                all_phones.append(last - sent)
        self.result["fanout"] = {
            "questions": len(approved), "missing_deliveries": missing,
            "resends_deduplicated": duplicates_refused if self.is_app else None,
            "all_phones": summary(all_phones), "per_delivery": summary(deliveries),
        }
        return [qid for qid, _sent in approved]

    # --- votes and stances -------------------------------------------------------------

    async def _storm(self, voters: list[Phone], window: float, send) -> list[tuple]:
        """Each voter sends once at a random moment in the window; (sent, acked, ok)."""
        rng = random.Random(self.settings.seed + len(voters))
        start = clock() + 0.05
        out: list[tuple] = []

        async def one(phone: Phone):
            await asyncio.sleep(max(0.0, start + rng.random() * window - clock()))
            sent = clock()
            try:
                answer = await send(phone)
                out.append((sent, clock(), bool(answer.get("ok"))))
                if not answer.get("ok"):
                    self.error("storm", answer)
            except Exception as error:  # noqa: BLE001
                out.append((sent, clock(), False))
                self.error("storm", repr(error))

        await asyncio.gather(*(one(p) for p in voters))
        return out

    def _visible(self, votes: list[tuple], series_of) -> dict:
        """Time until every phone shows each vote: the k-th acknowledged vote is visible on a
        phone once its tally reaches k (counts are absolute and only grow here)."""
        acked = sorted((ack, sent) for sent, ack, ok in votes if ok)
        k = len(acked)
        if not k:
            return summary([])
        visible_all = [0.0] * k
        unseen = 0
        for phone in self.phones:
            series = series_of(phone)
            i = 0
            for threshold in range(1, k + 1):
                while i < len(series) and series[i][1] < threshold:
                    i += 1
                if i == len(series):
                    unseen += k - threshold + 1
                    break
                if series[i][0] > visible_all[threshold - 1]:
                    visible_all[threshold - 1] = series[i][0]
        latencies = [visible_all[r] - acked[r][1] for r in range(k) if visible_all[r]]
        final = [series_of(p)[-1][1] if series_of(p) else 0 for p in self.phones]
        return {**summary(latencies), "phones_short": unseen,
                "final_min": min(final), "final_max": max(final)}

    async def vote_storm(self, qid: int) -> None:
        s = self.settings
        rng = random.Random(s.seed + 1)
        # The asker cannot support their own question: the server refuses it.
        others = [p for p in self.phones if p is not self.askers.get(qid)]
        voters = rng.sample(others, max(1, int(len(others) * s.vote_share)))
        mark = clock()
        cpu_before = self.server.cpu_seconds()
        votes = await self._storm(voters, s.vote_window,
                                  lambda p: p.sock.call("vote", {"question_id": qid, "on": True}))
        await asyncio.sleep(s.settle)
        # The settle includes the tally flushes the storm caused: they are part of a vote.
        cpu = self.server.cpu_seconds() - cpu_before if cpu_before is not None else None
        sent = [v[0] for v in votes]
        duration = max(sent) - min(sent) if len(sent) > 1 else s.vote_window
        acks = [ack - sent for sent, ack, ok in votes if ok]

        def series(phone):
            return [(t, counts[str(qid)]) for t, counts in phone.votes
                    if t >= mark and str(qid) in counts]

        visible = self._visible(votes, series)
        ok = sum(1 for v in votes if v[2])
        self.result["votes"] = {
            "votes": len(votes), "ok": ok, "rate_per_s": round(len(votes) / duration, 1),
            "server_cpu_ms_per_vote": round(cpu / len(votes) * 1000, 2) if cpu and votes
            else None,
            "ack": summary(acks), "visible_all_phones": visible,
            "counted": visible.get("final_max"),
            "lost": ok - (visible.get("final_max") or 0) if visible.get("n") else ok,
        }

    async def stance_poll(self) -> None:
        s = self.settings
        reflection_id = self.server.meeting["reflection_ids"][0]
        answer = await self.facilitator.call(
            "poll", {"action": "open", "reflection_id": reflection_id, "results_live": True})
        if not answer.get("ok"):
            self.error("poll", answer)
            return
        await asyncio.sleep(0.3)
        rng = random.Random(s.seed + 2)
        voters = rng.sample(self.phones, max(1, int(len(self.phones) * s.stance_share)))
        values = ("agree", "partly", "disagree", "unknown")
        mark = clock()
        stances = await self._storm(voters, s.stance_window, lambda p: p.sock.call(
            "stance", {"reflection_id": reflection_id, "value": values[p.index % 4]}))
        await asyncio.sleep(s.settle)
        acks = [ack - sent for sent, ack, ok in stances if ok]

        def series(phone):
            return [(t, n) for t, rid, n in phone.stances if t >= mark and rid == reflection_id]

        visible = self._visible(stances, series)
        ok = sum(1 for v in stances if v[2])
        self.result["stances"] = {
            "answers": len(stances), "ok": ok,
            "rate_per_s": round(len(stances) / s.stance_window, 1),
            "ack": summary(acks), "visible_all_phones": visible,
            "counted": visible.get("final_max"),
            "lost": ok - (visible.get("final_max") or 0),
        }
        await self.facilitator.call("poll", {"action": "close"})

    # --- throughput ----------------------------------------------------------------------

    async def burst(self, qid: int) -> None:
        """Broadcasts back to back (each acknowledged before the next): messages a second."""
        s = self.settings
        count = max(10, s.burst_messages // len(self.phones))
        marks = {id(p): len(p.changes) for p in self.phones}
        cpu_before = self.server.cpu_seconds()
        client_before = _own_cpu()
        first = clock()
        for i in range(count):
            action = "answer" if i % 2 == 0 else "unanswer"
            answer = await self.facilitator.call("moderate", {"action": action, "id": qid})
            if not answer.get("ok"):
                self.error("burst", answer)
        sent_done = clock()
        deadline = clock() + 30
        expected = count * len(self.phones)
        while clock() < deadline:
            got = sum(len(p.changes) - marks[id(p)] for p in self.phones)
            if got >= expected:
                break
            await asyncio.sleep(0.05)
        delivered, last = 0, first
        for p in self.phones:
            new = [c for c in p.changes[marks[id(p)]:] if c[2] == qid]
            delivered += len(new)
            if new:
                last = max(last, new[-1][3])
        cpu = (self.server.cpu_seconds() - cpu_before) if cpu_before is not None else None
        client_cpu = _own_cpu() - client_before
        elapsed = last - first
        self.result["burst"] = {
            "broadcasts": count, "expected": expected, "delivered": delivered,
            "seconds": round(elapsed, 3), "acks_seconds": round(sent_done - first, 3),
            "messages_per_s": round(delivered / elapsed) if elapsed > 0 else None,
            "server_cpu_share": round(cpu / elapsed, 2) if cpu is not None and elapsed else None,
            "client_cpu_share": round(client_cpu / (clock() - first), 2),
        }

    # --- integrity --------------------------------------------------------------------

    def integrity(self) -> dict:
        """Every phone got every `change` once, in `seq` order, without gaps."""
        out_of_order = duplicated = gaps = 0
        for phone in self.phones:
            seqs = [c[0] for c in phone.changes]
            for a, b in zip(seqs, seqs[1:], strict=False):
                if b == a:
                    duplicated += 1
                elif b < a:
                    out_of_order += 1
                elif b > a + 1:
                    gaps += b - a - 1
        return {"phones": len(self.phones), "out_of_order": out_of_order,
                "duplicated": duplicated, "gaps": gaps}

    async def final_check(self, asked: list[int]) -> dict:
        """Every question stored once: the facilitator's queue against what was asked."""
        if not self.is_app:
            return {"asked": len(asked), "stored": len(asked), "duplicates": 0}
        answer = await self.facilitator.call("snapshot", {})
        queue = answer["snapshot"]["queue"]
        ids = [item["id"] for item in queue]
        client_ids = [item.get("client_id") for item in queue]
        return {"asked": len(asked), "stored": sum(1 for q in asked if q in ids),
                "duplicates": len(client_ids) - len(set(client_ids))}


def frame_sizes(frames: list) -> dict:
    """Sizes of the frames a phone received, per event: plain, and deflated as
    permessage-deflate would (one context per connection, kept across messages)."""
    out: dict = {}
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    for name, text in frames:
        raw = text.encode()
        packed = deflate.compress(raw) + deflate.flush(zlib.Z_SYNC_FLUSH)
        alone = zlib.compressobj(6, zlib.DEFLATED, -15)
        single = alone.compress(raw) + alone.flush(zlib.Z_SYNC_FLUSH)
        entry = out.setdefault(name, {"frames": 0, "bytes": [], "deflated": [], "alone": []})
        entry["frames"] += 1
        entry["bytes"].append(len(raw))
        entry["deflated"].append(len(packed) - 4)  # the flush marker is not sent
        entry["alone"].append(len(single) - 4)
    for entry in out.values():
        b, d = sorted(entry.pop("bytes")), sorted(entry.pop("deflated"))
        a = sorted(entry.pop("alone"))
        entry.update(median_bytes=b[len(b) // 2], max_bytes=b[-1],
                     median_deflated=d[len(d) // 2], median_deflated_alone=a[len(a) // 2])
    return out


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def _cookies(response) -> str:
    return "; ".join(f"{k}={m.value}" for k, m in response.cookies.items())


def _merge(a: str, b: str) -> str:
    jar = dict(part.split("=", 1) for part in f"{a}; {b}".split("; ") if "=" in part)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def source_addresses(count: int) -> list[str]:
    """Loopback addresses in different /24 networks: nginx's ip_hash looks at the first
    three octets, so phones from 127.0.K.1 spread over the processes like real phones do."""
    return [f"127.0.{k}.1" for k in range(1, count + 1)]


async def play(server, settings: Settings, page_weight=None, sources: int = 0) -> dict:
    """One run of the meeting against one server; returns its figures."""
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    extra = [aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, local_addr=(a, 0)),
                                   cookie_jar=aiohttp.DummyCookieJar())
             for a in source_addresses(sources)]
    try:
        async with aiohttp.ClientSession(connector=connector,
                                         cookie_jar=aiohttp.DummyCookieJar()) as session:
            return await _play(server, settings, page_weight, session, extra)
    finally:
        for s in extra:
            await s.close()


async def _play(server, settings, page_weight, session, extra) -> dict:
    run = Run(server, settings, session=session, sessions=extra)
    t0 = clock()
    await run.login_facilitator()
    await run.join_storm()
    if not run.phones:
        raise RuntimeError(f"no phone joined: {run.errors[:5]}")
    asked = await run.questions()
    if asked:
        await run.vote_storm(asked[0])
    if run.is_app:
        await run.stance_poll()
    if asked:
        await run.burst(asked[-1])
    run.result["integrity"] = run.integrity()
    run.result["frames"] = frame_sizes(run.frames)
    run.result["deflate_negotiated"] = bool(run.phones and run.phones[0].sock.deflate)
    run.result["submissions"] = await run.final_check(asked)
    if page_weight is not None:
        run.result["page_weight"] = await page_weight(server)
    run.result["errors"] = run.errors
    run.result["seconds"] = round(clock() - t0, 1)
    # Stop the server first: closing thousands of sockets one by one takes longer.
    if server.proc is not None:
        server.stop()
    for phone in [*run.phones, run]:
        sock = phone.facilitator if phone is run else phone.sock
        if sock is not None and sock._reader is not None:
            sock._reader.cancel()
    return {"server": server.kind, "n": settings.n, **run.result}
