"""Targets, the markdown table and the plot of a bench result."""

from pathlib import Path

KB_PER_PHONE = 64


#: The issue's figures: server CPU per join and per vote, app/bare with a browser's client.
JOIN_CPU_MS = 5.0
VOTE_CPU_MS = 1.5
NODE_RATIO = 1.2


def _run(result: dict, server: str, n: int, key: str = "runs") -> dict | None:
    return next((r for r in result.get(key) or [] if r["server"] == server and r["n"] == n),
                None)


def _ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


def node_rows(result: dict) -> list[dict]:
    """Per N of the socket.io-client runs: app/bare ratios and both absolute figures."""
    rows = []
    for n in sorted({r["n"] for r in result.get("node_runs") or []}):
        app, bare = _run(result, "app", n, "node_runs"), _run(result, "bare", n, "node_runs")
        row = {"n": n}
        for name, path in (("cpu_per_broadcast", ("burst", "server_cpu_ms_per_broadcast")),
                           ("fanout_p99", ("fanout", "all_phones", "p99_ms")),
                           ("kb_per_phone", ("memory", "kb_per_phone")),
                           ("cpu_per_join", ("join", "server_cpu_ms_per_join")),
                           ("joins_per_s", ("join", "rate_per_s"))):
            a, b = _get(app, *path), _get(bare, *path)
            row[name] = {"ratio": _ratio(a, b), "app": a, "bare": b}
        for kind, run in (("app", app), ("bare", bare)):
            row[f"{kind}_client"] = {
                "join": _get(run, "join", "client_cpu_share"),
                "join_bound": _get(run, "join", "client_bound"),
                "burst": _get(run, "burst", "client_cpu_share"),
                "burst_bound": _get(run, "burst", "client_bound"),
                "error": _get(run, "error")}
        rows.append(row)
    return rows


def _get(run: dict | None, *path):
    value = run
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}".replace(",", " ")


def targets(result: dict) -> list[dict]:
    """Every target of the issue with its measured figure and whether it is met."""
    out = []
    ns = sorted({r["n"] for r in result["runs"] if r["server"] == "app"})

    def add(name, required, measured, met, where=""):
        out.append({"target": name, "required": required, "measured": measured,
                    "met": bool(met) if met is not None else None, "where": where})

    big = max(ns) if ns else None
    run = _run(result, "app", big) if big else None
    joined = _get(run, "join", "joined")
    add("one meeting in one server process", "2 000 phones", f"{_fmt(joined)} phones",
        joined is not None and joined >= 2000 and not _get(run, "join", "failed"), f"N={big}")
    for n, limit in ((1000, 250), (2000, 500)):
        run = _run(result, "app", n)
        where = f"N={n}"
        if run is None:  # measured by socket.io-client only
            run, where = _run(result, "app", n, "node_runs"), f"N={n}, socket.io-client"
        p99 = _get(run, "fanout", "all_phones", "p99_ms")
        add(f"fan-out p99, approved → on every phone, {n} phones", f"< {limit} ms",
            _fmt(p99, " ms"), p99 is not None and p99 < limit, where)
    for n in ns:
        j = _get(_run(result, "app", n), "join") or {}
        add("join storm", "≥ 100 joins/s, p99 < 1 s",
            f"{_fmt(j.get('rate_per_s'))}/s, p99 {_fmt(j.get('p99_ms'), ' ms')}",
            (j.get("rate_per_s") or 0) >= 100 and (j.get("p99_ms") or 1e9) < 1000
            and not j.get("failed"), f"N={n}")
    storms = [(n, _get(_run(result, "app", n), "votes")) for n in ns]
    storms = [(n, v) for n, v in storms if v and (v.get("rate_per_s") or 0) >= 190] or storms[-1:]
    for n, v in storms:
        p99 = _get(v, "visible_all_phones", "p99_ms")
        add("vote → visible on every phone, p99, storm ≥ 200 votes/s", "< 500 ms",
            f"{_fmt(p99, ' ms')} at {_fmt(_get(v, 'rate_per_s'))} votes/s",
            p99 is not None and p99 < 500 and (_get(v, "rate_per_s") or 0) >= 190, f"N={n}")
    per_phone = [(n, _get(_run(result, "app", n), "memory", "kb_per_phone")) for n in ns]
    worst = max((kb for _n, kb in per_phone if kb is not None), default=None)
    add("server memory per connected phone", f"< {KB_PER_PHONE} KB",
        " / ".join(f"{_fmt(kb)} KB (N={n})" for n, kb in per_phone),
        worst is not None and worst < KB_PER_PHONE)
    lost = sum(_lost(r) for r in result["runs"] if r["server"] == "app")
    add("lost or duplicated submissions and changes", "0", _fmt(lost), lost == 0, "all app runs")
    for n in ns:
        app, bare = _run(result, "app", n), _run(result, "bare", n)
        a, b = _get(app, "burst", "messages_per_s"), _get(bare, "burst", "messages_per_s")
        ratio = round(a / b, 2) if a and b else None
        add("app/bare delivered messages a second", "≥ 0.8",
            f"{_fmt(ratio)} ({_fmt(a)} / {_fmt(b)})", ratio is not None and ratio >= 0.8,
            f"N={n}")
        a = _get(app, "fanout", "all_phones", "p99_ms")
        b = _get(bare, "fanout", "all_phones", "p99_ms")
        ratio = round(a / b, 2) if a and b else None
        add("app/bare fan-out p99", "≤ 1.25×", f"{_fmt(ratio)}× ({_fmt(a)} / {_fmt(b)} ms)",
            ratio is not None and ratio <= 1.25, f"N={n}")
    for row in node_rows(result):
        n = row["n"]
        j = row["cpu_per_join"]["app"]
        add("server CPU per join (page, profile, socket, snapshot), socket.io-client",
            f"≤ {JOIN_CPU_MS:g} ms", _fmt(j, " ms"), j is not None and j <= JOIN_CPU_MS,
            f"N={n}")
        for key, label in (("cpu_per_broadcast", "app/bare CPU per broadcast"),
                           ("fanout_p99", "app/bare fan-out p99"),
                           ("kb_per_phone", "app/bare memory per phone")):
            r = row[key]
            bound = key != "kb_per_phone" and (row["bare_client"]["burst_bound"]
                                               or row["app_client"]["burst_bound"])
            add(f"{label}, socket.io-client offering deflate", f"≤ {NODE_RATIO:g}×",
                f"{_fmt(r['ratio'])}× ({_fmt(r['app'])} / {_fmt(r['bare'])})"
                + (" client-bound" if bound else ""),
                r["ratio"] is not None and r["ratio"] <= NODE_RATIO, f"N={n}")
    for n in ns:
        v = _get(_run(result, "app", n), "votes") or {}
        cpu = v.get("server_cpu_ms_per_vote")
        add("server CPU per vote (storm, with its tally flushes)", f"≤ {VOTE_CPU_MS:g} ms",
            f"{_fmt(cpu, ' ms')} at {_fmt(v.get('rate_per_s'))} votes/s",
            cpu is not None and cpu <= VOTE_CPU_MS, f"N={n}")
    weight = result.get("page_weight") or {}
    add("phone page, first load, compressed", "≤ 60 KB",
        f"{_fmt(weight.get('gzip_kb'), ' KB')} ({weight.get('page', '?')} page, "
        f"{weight.get('requests', '?')} requests)" if "gzip_kb" in weight
        else weight.get("error", "not measured"),
        (weight.get("gzip_kb") or 1e9) <= 60)
    return out


def _lost(run: dict) -> int:
    lost = 0
    fan = run.get("fanout") or {}
    lost += fan.get("missing_deliveries") or 0
    if run.get("server") == "app" and fan.get("questions"):
        lost += fan["questions"] - (fan.get("resends_deduplicated") or 0)
    for key in ("votes", "stances"):
        part = run.get(key) or {}
        lost += abs(part.get("lost") or 0) + (part.get("visible_all_phones") or {}).get(
            "phones_short", 0)
    integrity = run.get("integrity") or {}
    lost += sum(integrity.get(k, 0) for k in ("out_of_order", "duplicated", "gaps"))
    subs = run.get("submissions") or {}
    lost += (subs.get("asked", 0) - subs.get("stored", 0)) + subs.get("duplicates", 0)
    burst = run.get("burst") or {}
    lost += (burst.get("expected") or 0) - (burst.get("delivered") or 0)
    return lost


def markdown(result: dict) -> str:
    lines = [
        "# Meeting benchmark",
        "",
        f"Run {result['started']} on {result['machine']['cores']} cores "
        f"({result['machine']['cpu']}); server pinned to core {result['config']['server_core']},"
        f" load client to core {result['config']['client_core']}; database "
        f"{result['config']['database']}; gunicorn, gevent, one process; joins offered at "
        f"{_fmt(result['config']['join_rate'])}/s.",
        f"Load average at start {result['machine']['loadavg_start']}, at end "
        f"{result['machine'].get('loadavg_end', '?')} (other work on the machine shares the "
        "cores; see `busy_cores` per run in latest.json).",
        "",
    ]
    rows = node_rows(result)
    if rows:
        lines += [
            "## With a browser's own client (socket.io-client under Node, deflate offered)",
            "",
            "Ratios app/bare first (same run, alternated), absolute figures after. Server "
            "CPU per broadcast: the gunicorn worker's CPU over back-to-back broadcasts to "
            "every phone, divided by the broadcasts. Client CPU: the share of its core the "
            f"Node phones used; at {int(0.85 * 100)} % or more the figure is **client-bound** "
            "(the client, not the server, set it).",
            "",
            "| N | CPU/broadcast app/bare | fan-out p99 app/bare | memory/phone app/bare | "
            "CPU/join app (bare) | joins/s app (bare) | client CPU join / burst, app | "
            "client CPU join / burst, bare |",
            "|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for row in rows:
            def pair(key, unit="", row=row):
                r = row[key]
                return (f"**{_fmt(r['ratio'])}×** ({_fmt(r['app'], unit)} / "
                        f"{_fmt(r['bare'], unit)})")

            def client(kind, row=row):
                c = row[f"{kind}_client"]
                if c["error"]:
                    return f"failed: {c['error'][:60]}"
                return (f"{_fmt(c['join'])}{' client-bound' if c['join_bound'] else ''} / "
                        f"{_fmt(c['burst'])}{' client-bound' if c['burst_bound'] else ''}")

            lines.append(
                f"| {_fmt(row['n'])} | {pair('cpu_per_broadcast', ' ms')} | "
                f"{pair('fanout_p99', ' ms')} | {pair('kb_per_phone', ' KB')} | "
                f"{_fmt(row['cpu_per_join']['app'], ' ms')} "
                f"({_fmt(row['cpu_per_join']['bare'], ' ms')}) | "
                f"{_fmt(row['joins_per_s']['app'])} ({_fmt(row['joins_per_s']['bare'])}) | "
                f"{client('app')} | {client('bare')} |")
        lines.append("")
    lines += ["## With the bench's own client (aiohttp, deflate offered)", ""]
    py_ns = sorted({r["n"] for r in result["runs"] if r["server"] == "app"})
    if any(_run(result, "bare", n) for n in py_ns):
        lines += ["| N | fan-out p99 app/bare | messages/s app/bare | memory/phone app/bare | "
                  "client CPU, burst app / bare |", "|---:|---:|---:|---:|---|"]
        for n in py_ns:
            app, bare = _run(result, "app", n), _run(result, "bare", n)
            cells = []
            for path in (("fanout", "all_phones", "p99_ms"), ("burst", "messages_per_s"),
                         ("memory", "kb_per_phone")):
                a, b = _get(app, *path), _get(bare, *path)
                cells.append(f"**{_fmt(_ratio(a, b))}×** ({_fmt(a)} / {_fmt(b)})")
            shares = [_get(r, "burst", "client_cpu_share") for r in (app, bare)]
            cells.append(" / ".join(
                f"{_fmt(x)}{' client-bound' if x is not None and x >= 0.85 else ''}"
                for x in shares))
            lines.append(f"| {_fmt(n)} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "| N | server | joins/s | join p99 | fan-out p50 / p99 (every phone) | "
        "votes/s | vote → visible p99 | stance → visible p99 | messages/s | KB/phone | "
        "lost/dup |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in sorted(result["runs"], key=lambda r: (r["n"], r["server"])):
        j, f = run.get("join") or {}, _get(run, "fanout", "all_phones") or {}
        v, s = run.get("votes") or {}, run.get("stances") or {}
        lines.append(
            f"| {_fmt(run['n'])} | {run['server']} | {_fmt(j.get('rate_per_s'))} | "
            f"{_fmt(j.get('p99_ms'), ' ms')} | {_fmt(f.get('p50_ms'))} / "
            f"{_fmt(f.get('p99_ms'), ' ms')} | {_fmt(v.get('rate_per_s'))} | "
            f"{_fmt(_get(v, 'visible_all_phones', 'p99_ms'), ' ms')} | "
            f"{_fmt(_get(s, 'visible_all_phones', 'p99_ms'), ' ms')} | "
            f"{_fmt(_get(run, 'burst', 'messages_per_s'))} | "
            f"{_fmt(_get(run, 'memory', 'kb_per_phone'))} | {_fmt(_lost(run))} |")
    lines += ["", "## Targets", "", "| target | required | measured | where | met |",
              "|---|---|---|---|---|"]
    for t in result["targets"]:
        met = {True: "yes", False: "**NO**", None: "–"}[t["met"]]
        lines.append(f"| {t['target']} | {t['required']} | {t['measured']} | {t['where']} | "
                     f"{met} |")
    missed = [t for t in result["targets"] if t["met"] is False]
    lines += ["", f"{len(result['targets']) - len(missed)} of {len(result['targets'])} "
              "targets met." + (" Missed: " + "; ".join(
                  f"{t['target']} ({t['where']})" for t in missed) + "." if missed else "")]
    if missed:
        lines += ["", "Where the time goes in what is missed, and the fixes made with their "
                  "before/after figures: `bench/results/profile.md` (py-spy, "
                  "`python -m bench.profile`)."]
    frames = next((r.get("frames") for r in result["runs"] if r["server"] == "app"
                   and r.get("frames")), None)
    if frames:
        deflate = {r["server"]: r.get("deflate_negotiated") for r in result["runs"]}
        lines += ["", "Frames a phone receives (the app's, from the first phone; "
                  f"permessage-deflate negotiated: app {deflate.get('app')}, bare "
                  f"{deflate.get('bare')}). Deflated: what permessage-deflate would send, "
                  "alone / with the context kept across frames:", "",
                  "| event | frames | median bytes | max bytes | deflated alone | "
                  "deflated in context |", "|---|---:|---:|---:|---:|---:|"]
        for name, f in sorted(frames.items()):
            lines.append(f"| `{name}` | {f['frames']} | {f['median_bytes']} | {f['max_bytes']} "
                         f"| {f.get('median_deflated_alone', '–')} | {f['median_deflated']} |")
    loads = [(r["server"], r["n"], r.get("loadavg_before"), r.get("loadavg_after"),
              r.get("busy_cores"), label)
             for key, label in (("runs", "aiohttp"), ("node_runs", "socket.io-client"))
             for r in result.get(key) or []]
    if loads:
        lines += ["", "Load per run (1/5/15-minute load average before → after; cores busy "
                  "machine-wide during the run):", "",
                  "| client | N | server | load before | load after | busy cores |",
                  "|---|---:|---|---|---|---:|"]
        lines += [f"| {label} | {_fmt(n)} | {server} | {' '.join(b or [])} | "
                  f"{' '.join(a or [])} | {_fmt(busy)} |"
                  for server, n, b, a, busy, label in loads]
    weight = result.get("page_weight") or {}
    if weight.get("resources"):
        lines += ["", f"Page weight of `{weight['url']}` (gzip level 6 of each body, as nginx "
                  "sends it; gunicorn itself does not compress):", "",
                  "| resource | bytes | gzip |", "|---|---:|---:|"]
        lines += [f"| `{r['url']}` | {_fmt(r['bytes'])} | {_fmt(r['gzip_bytes'])} |"
                  for r in weight["resources"]]
    if result.get("notes"):
        lines += ["", "## Notes", "", *[f"- {note}" for note in result["notes"]]]
    return "\n".join(lines) + "\n"


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=110)
    styles = {"app": ("#1f4e79", "Återföring"), "bare": ("#c55a11", "bare python-socketio")}
    for server, (colour, label) in styles.items():
        runs = sorted((r for r in result["runs"] if r["server"] == server),
                      key=lambda r: r["n"])
        ns = [r["n"] for r in runs if _get(r, "fanout", "all_phones", "p99_ms") is not None]
        if not ns:
            continue
        p50 = [_get(r, "fanout", "all_phones", "p50_ms") for r in runs if r["n"] in ns]
        p99 = [_get(r, "fanout", "all_phones", "p99_ms") for r in runs if r["n"] in ns]
        ax.plot(ns, p50, "o--", color=colour, label=f"{label} p50")
        ax.plot(ns, p99, "s-", color=colour, label=f"{label} p99")
    ax.plot([1000, 2000], [250, 500], "k^", markersize=9, fillstyle="none",
            label="target p99 (1 000: 250 ms, 2 000: 500 ms)")
    ax.set_xlabel("phones in one meeting (one server process)")
    ax.set_ylabel("approved question → on every phone (ms)")
    ax.set_title("Fan-out latency against meeting size")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
