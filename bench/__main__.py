"""`python -m bench`: the meeting benchmark against the app and bare python-socketio.

    python -m bench                       # app and bare, alternated: the Python client at
                                          # N = 500, 2000, socket.io-client (Node) at 1000, 2000
    python -m bench --n 200 --node-n 200 --no-bare     # a quick look
    python -m bench --url http://127.0.0.1:8080 --meeting instance/cluster/meeting.json
                                          # the real meeting against a running cluster

Writes bench/results/latest.json, latest.md and fanout.png, and prints the table.
"""

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import meeting, nodephones, pageweight, report, servers

RESULTS = Path(__file__).resolve().parent / "results"


def _postgres_ok() -> bool:
    try:
        import psycopg

        with psycopg.connect(servers.PG_ADMIN_URL, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001
        return False


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _busy_jiffies() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _pin(core: int | None) -> None:
    if core is not None and hasattr(os, "sched_setaffinity") and core < os.cpu_count():
        os.sched_setaffinity(0, {core})


def _load() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def _start(kind: str, args):
    if kind == "app":
        return servers.start_app(args.db, core=args.server_core)
    return servers.start_bare(core=args.server_core)


def node_run(kind: str, n: int, args) -> dict:
    """The join storm and the fan-out with the official socket.io-client as the phones."""
    load, started, t0 = _load(), _busy_jiffies(), time.monotonic()
    server = _start(kind, args)
    rate = args.join_rate if kind == "app" else args.join_rate * 4
    try:
        run = asyncio.run(nodephones.play(server, n, rate, core=args.client_core))
    except Exception as error:  # noqa: BLE001 - a failed run is reported, the rest goes on
        run = {"server": kind, "n": n, "error": repr(error),
               "server_log": server.log_tail()[-2000:]}
    finally:
        server.stop()
    busy, total = (a - b for a, b in zip(_busy_jiffies(), started, strict=True))
    run["busy_cores"] = round(busy / total * (os.cpu_count() or 1), 2) if total else None
    run["wall_seconds"] = round(time.monotonic() - t0, 1)
    run["loadavg_before"], run["loadavg_after"] = load, _load()
    return run


def one_run(kind: str, n: int, args, page_weight: bool) -> dict:
    load = _load()
    started = _busy_jiffies()
    t0 = time.monotonic()
    server = _start(kind, args)
    # The bare server has no join request (socket and snapshot only) and no join target:
    # its storm is offered faster, to keep `make bench` short.
    rate = args.join_rate if kind == "app" else args.join_rate * 4
    settings = meeting.Settings(n=n, join_rate=rate, questions=args.questions)
    try:
        run = asyncio.run(meeting.play(server, settings,
                                       pageweight.measure_async if page_weight else None))
    except Exception as error:  # noqa: BLE001 - a failed run is reported, the rest goes on
        tail = server.log_tail()
        run = {"server": kind, "n": n, "error": repr(error), "server_log": tail[-2000:]}
    finally:
        server.stop()
    busy, total = (a - b for a, b in zip(_busy_jiffies(), started, strict=True))
    run["busy_cores"] = round(busy / total * (os.cpu_count() or 1), 2) if total else None
    run["wall_seconds"] = round(time.monotonic() - t0, 1)
    run["loadavg_before"], run["loadavg_after"] = load, _load()
    return run


def run_external(args) -> dict:
    """The real meeting against a server that is already running (e.g. the cluster)."""
    data = json.loads(Path(args.meeting).read_text())
    server = servers.Server("app", args.url.rstrip("/"), None, None, data)
    runs = []
    for n in args.n:
        settings = meeting.Settings(n=n, join_rate=args.join_rate, questions=args.questions)
        runs.append(asyncio.run(meeting.play(server, settings, sources=args.sources)))
    return {"runs": runs}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="500,2000",
                        help="meeting sizes with the bench's own client, comma-separated "
                        "(default 500,2000; an empty value skips them)")
    parser.add_argument("--node-n", default="1000,2000",
                        help="meeting sizes with socket.io-client under Node (default "
                        "1000,2000; an empty value skips them)")
    parser.add_argument("--db", choices=("postgres", "sqlite"), default=None,
                        help="database of the app (default: PostgreSQL when reachable)")
    parser.add_argument("--join-rate", type=float, default=100.0,
                        help="joins a second offered in the join storm (default 100)")
    parser.add_argument("--questions", type=int, default=10,
                        help="questions approved at one a second per run (default 10)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare baseline")
    parser.add_argument("--no-page-weight", action="store_true")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--url", help="run against a running server instead (app only)")
    parser.add_argument("--meeting", help="with --url: the meeting JSON deploy/cluster.py wrote "
                        "(dialogue id, code, facilitator login)")
    parser.add_argument("--sources", type=int, default=16,
                        help="with --url: loopback /24 networks the phones come from, so "
                        "nginx's ip_hash spreads them over the processes (default 16)")
    parser.add_argument("--out", default=str(RESULTS), help="where results are written")
    args = parser.parse_args(argv)
    args.n = [int(x) for x in str(args.n).split(",") if x.strip()]
    args.node_n = [int(x) for x in str(args.node_n).split(",") if x.strip()]
    if args.db is None:
        args.db = "postgres" if _postgres_ok() else "sqlite"
    if os.cpu_count() and os.cpu_count() < 2:
        args.server_core = args.client_core = None
    _pin(args.client_core)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    result = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cores": os.cpu_count(), "cpu": _cpu_name(),
                    "python": platform.python_version(),
                    "loadavg_start": Path("/proc/loadavg").read_text().split()[:3]},
        "config": {"n": args.n, "database": args.db if not args.url else f"external {args.url}",
                   "join_rate": args.join_rate, "questions": args.questions,
                   "server_core": args.server_core, "client_core": args.client_core,
                   "vote_storm": "30 % of N within 2 s", "stance_poll": "80 % of N within 5 s",
                   "server": "gunicorn -k gevent -w 1 --worker-connections 10000"},
        "runs": [],
        "node_runs": [],
        "notes": [],
    }
    t0 = time.monotonic()
    if args.url:
        if not args.meeting:
            parser.error("--url needs --meeting")
        result["runs"] = run_external(args)["runs"]
    else:
        weight_done = args.no_page_weight
        for i, n in enumerate(args.n):
            order = ["app", "bare"] if i % 2 == 0 else ["bare", "app"]
            for kind in order:
                if kind == "bare" and args.no_bare:
                    continue
                print(f"bench: {kind} N={n} ...", file=sys.stderr, flush=True)
                run = one_run(kind, n, args, page_weight=kind == "app" and not weight_done)
                if kind == "app" and not weight_done:
                    weight_done = True
                    result["page_weight"] = run.pop("page_weight", None)
                result["runs"].append(run)
                if run.get("error"):
                    print(f"bench: {kind} N={n} failed: {run['error']}", file=sys.stderr)
    if args.node_n and not args.url:
        missing = nodephones.ensure_installed()
        if missing:
            result["notes"].append(f"socket.io-client under Node not run: {missing}")
            print(f"bench: {missing}", file=sys.stderr)
        for i, n in enumerate([] if missing else args.node_n):
            order = ["bare", "app"] if i % 2 == 0 else ["app", "bare"]
            for kind in order:
                if kind == "bare" and args.no_bare:
                    continue
                print(f"bench: {kind} N={n} (socket.io-client) ...", file=sys.stderr,
                      flush=True)
                run = node_run(kind, n, args)
                result["node_runs"].append(run)
                if run.get("error"):
                    print(f"bench: {kind} N={n} failed: {run['error']}", file=sys.stderr)
    result["machine"]["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    result["seconds"] = round(time.monotonic() - t0, 1)
    result["targets"] = report.targets(result)
    result["notes"].append(
        "fan-out: from the facilitator's `moderate approve` until the `change` is on the last "
        "of the N phones; p50/p99 over the questions. vote → visible: the k-th acknowledged "
        "vote is visible on a phone once its `tally` reaches k; time until every phone shows "
        "it. messages/s: `change` broadcasts sent back to back, each acknowledged before the "
        "next, counted on the phones.")
    (out / "latest.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    table = report.markdown(result)
    (out / "latest.md").write_text(table)
    report.plot(result, out / "fanout.png")
    print(table)
    print(f"bench: {result['seconds']} s; wrote {out}/latest.json, latest.md, fanout.png",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
