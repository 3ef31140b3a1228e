"""Server CPU per join and per vote, in one process, independent of the machine's load.

    python -m bench.joincost --n 200 --runs 5 [--db postgresql://127.0.0.1/bench] [--op join,vote]
    python -m bench.joincost --n 10 --op join --callgrind   # under valgrind: instructions

A join is what a phone does after scanning the QR code: the join page (`GET /m/<code>`), the
profile form (`POST /m/<code>/profil`), the socket's connect and the first snapshot. Each runs
through the app's own WSGI stack (Flask's test client, Flask-SocketIO's test client: no
network, no gevent), so the figure is the app's CPU per join without the transport, measured
as this process's CPU time (`time.process_time`) over `n` joins divided by `n`. CPU time is
what the process itself spends: other programs on the machine change it little (caches),
unlike wall time. A vote is one `vote` event of a joined phone.

The baseline of the same run is the stack's floor on the same path: a bare Flask app on the
same test clients that renders a page of the same size, takes a form POST that sets a cookie,
accepts a socket and answers one event with a small dict. Ratios to it are printed first.

With `--callgrind` (valgrind installed) the loop runs under `valgrind --tool=callgrind` and
prints instructions per join: counts do not depend on the machine's load at all.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BOARDS = ("Södermalm", "Farsta", "Skärholmen", "Rinkeby-Kista", "Solna", "Gnesta")


def _app(db_url: str):
    from facilitator import create_app
    from facilitator.extensions import db

    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": db_url, "SQLALCHEMY_ENGINE_OPTIONS": {},
        "LIVE_SNAPSHOT_CACHE_SECONDS": 1.0, "RATELIMIT_ENABLED": True,
        "LOG_FORMAT": "json",  # as in production; the log lines go to stderr
    })
    ctx = app.app_context()
    ctx.push()
    db.drop_all()
    db.create_all()
    return app


def _meeting(app) -> dict:
    from bench import prepare

    return prepare.setup(app)


#: Process CPU seconds per step of the joins measured, summed (`--steps` prints them).
STEPS: dict[str, float] = {"page": 0.0, "profile": 0.0, "connect": 0.0, "snapshot": 0.0}


def _join(app, code: str, dialogue_id: int, org_id: int, i: int):
    from facilitator.extensions import socketio

    clock = time.process_time
    t0 = clock()
    http = app.test_client()
    page = http.get(f"/m/{code}")
    assert page.status_code == 200, page.status_code
    t1 = clock()
    roles = ("socialsekreterare", "chef", "politiker", "arbetsledare")
    form = http.post(f"/m/{code}/profil",
                     data={"organization": str(org_id), "role": roles[i % 4]})
    assert form.status_code in (302, 303), form.status_code
    t2 = clock()
    sc = socketio.test_client(app, flask_test_client=http, auth={"dialogue": dialogue_id})
    assert sc.is_connected()
    t3 = clock()
    ack = sc.emit("snapshot", {}, callback=True)
    assert ack.get("ok"), ack
    t4 = clock()
    for step, seconds in zip(STEPS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
        STEPS[step] += seconds
    return sc


def _bare_app():
    """The floor: the same test clients and steps, no database, a page of the same size."""
    from flask import Flask, make_response, redirect, request
    from flask_socketio import SocketIO

    bare = Flask("bare")
    bare.config["SECRET_KEY"] = "bare"
    sio = SocketIO(bare, async_mode="threading")
    page = bare.jinja_env.from_string(
        "<!doctype html><title>{{ t }}</title>" + "<p>{{ t }}</p>" * 120)

    @bare.get("/m/<code>")
    def join_page(code):
        return page.render(t=code)

    @bare.post("/m/<code>/profil")
    def profile(code):
        response = make_response(redirect(f"/m/{code}/live"))
        response.set_cookie("p", request.form.get("role", "x"))
        return response

    @sio.on("connect")
    def connect(auth=None):
        return True

    @sio.on("snapshot")
    def snapshot(_payload=None):
        return {"ok": True, "snapshot": {"seq": 1, "items": list(range(50))}}

    @sio.on("vote")
    def vote(_payload=None):
        return {"ok": True}

    return bare, sio


def _bare_join(bare, sio, code: str, i: int):
    http = bare.test_client()
    assert http.get(f"/m/{code}").status_code == 200
    assert http.post(f"/m/{code}/profil", data={"role": "chef"}).status_code == 302
    sc = sio.test_client(bare, flask_test_client=http)
    assert sc.emit("snapshot", {}, callback=True)["ok"]
    return sc


def _cpu_per(fn, n: int) -> float:
    """Process CPU seconds per call of fn(i), over n calls."""
    t0 = time.process_time()
    for i in range(n):
        fn(i)
    return (time.process_time() - t0) / n


def measure(args) -> dict:
    tmp = tempfile.mkdtemp(prefix="joincost-")
    db_url = args.db or f"sqlite:///{tmp}/joincost.sqlite3"
    app = _app(db_url)
    bare, sio = _bare_app()
    results: dict[str, list[float]] = {k: [] for k in
                                       ("join", "bare_join", "vote", "bare_vote")}
    for run in range(args.runs):
        _one_run(app, bare, sio, args, results)
        print(f"run {run + 1}: " + ", ".join(
            f"{k} {v[-1] * 1000:.2f} ms" for k, v in results.items() if v and k != "steps"),
            flush=True)
    return results


def _one_run(app, bare, sio, args, results) -> None:
    from facilitator.extensions import db, limiter
    from facilitator.live import ratelimits

    db.session.remove()
    db.drop_all()
    db.create_all()
    limiter.reset()
    ratelimits.reset()
    meeting = _meeting(app)
    code, did, org = meeting["code"], meeting["dialogue_id"], meeting["organization_ids"][0]
    with_bare = "bare" in args.op
    for i in range(5):  # warm up: imports, templates, statement caches
        _join(app, code, did, org, i).disconnect()
        if with_bare:
            _bare_join(bare, sio, "ABCDEF", i).disconnect()
    phones, bare_phones = [], []
    for step in STEPS:
        STEPS[step] = 0.0
    results["join"].append(_cpu_per(
        lambda i: phones.append(_join(app, code, did, org, i)), args.n))
    if with_bare:
        results["bare_join"].append(_cpu_per(
            lambda i: bare_phones.append(_bare_join(bare, sio, "ABCDEF", i)), args.n))
    if "vote" in args.op and with_bare:
        qid = _question(app, meeting, phones[0])
        voters = phones[1:]  # not the question's author
        results["vote"].append(_cpu_per(lambda i: _vote(voters[i], qid), len(voters)))
        results["bare_vote"].append(_cpu_per(
            lambda i: bare_phones[i].emit("vote", {"on": True}, callback=True),
            len(voters)))
    for sc in phones + bare_phones:
        sc.disconnect()
    results.setdefault("steps", []).append({k: v / args.n for k, v in STEPS.items()})


def _question(app, meeting, phone) -> int:
    """A question by the first phone, approved by the facilitator: the one everyone votes on."""
    import uuid

    from facilitator.contributions.models import Contribution, ContributionStatus
    from facilitator.extensions import db

    ack = phone.emit("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                "text": "Hur följer ni upp förhandsbedömningarna?"},
                     callback=True)
    assert ack.get("ok"), ack
    qid = ack["item"]["id"]
    db.session.get(Contribution, qid).status = ContributionStatus.APPROVED
    db.session.commit()
    db.session.remove()
    return qid


def _vote(phone, qid: int) -> None:
    ack = phone.emit("vote", {"question_id": qid, "on": True}, callback=True)
    assert ack.get("ok"), ack


def report(results: dict) -> None:
    def med(key):
        return statistics.median(results[key]) * 1000 if results[key] else None

    print("\nmedian of runs (process CPU time per operation):")
    for op in ("join", "vote"):
        app_ms, bare_ms = med(op), med(f"bare_{op}")
        if app_ms is None or bare_ms is None:
            continue
        spread = ", ".join(f"{v * 1000:.2f}" for v in results[op])
        print(f"  {op}: {app_ms / bare_ms:.1f}× bare | app {app_ms:.2f} ms "
              f"(runs: {spread}) | bare {bare_ms:.2f} ms")
    if results.get("steps"):
        steps = {k: statistics.median(r[k] for r in results["steps"]) * 1000
                 for k in results["steps"][0]}
        print("  join by step (median): " + ", ".join(f"{k} {v:.2f} ms"
                                                      for k, v in steps.items()))


def callgrind(args) -> None:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        sys.exit("valgrind is not installed")
    out = tempfile.mkdtemp(prefix="joincost-cg-")
    counts = {}
    for n in (args.n, 2 * args.n):
        path = f"{out}/cg.{n}"
        subprocess.run([valgrind, "--tool=callgrind", f"--callgrind-out-file={path}",
                        sys.executable, "-m", "bench.joincost", "--n", str(n), "--runs", "1",
                        "--op", args.op_text] + (["--db", args.db] if args.db else []),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(path) as f:
            counts[n] = next(int(line.split()[1]) for line in f if line.startswith("summary:"))
    # Twice the joins minus once: start-up and warm-up cancel out.
    per = (counts[2 * args.n] - counts[args.n]) / args.n
    print(f"instructions per {args.op_text} (twice {args.n} minus {args.n}): {per / 1e6:.1f} M")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir)")
    parser.add_argument("--op", default="join,vote,bare",
                        help="join always; vote: also votes; bare: also the baseline")
    parser.add_argument("--callgrind", action="store_true")
    args = parser.parse_args()
    args.op_text = args.op
    args.op = args.op.split(",")
    if args.callgrind:
        callgrind(args)
    else:
        report(measure(args))
