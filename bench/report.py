"""Targets, the markdown table and the plot of a bench result."""

from pathlib import Path

KB_PER_PHONE = 64


def _run(result: dict, server: str, n: int) -> dict | None:
    return next((r for r in result["runs"] if r["server"] == server and r["n"] == n), None)


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
        p99 = _get(_run(result, "app", n), "fanout", "all_phones", "p99_ms")
        add(f"fan-out p99, approved → on every phone, {n} phones", f"< {limit} ms",
            _fmt(p99, " ms"), p99 is not None and p99 < limit, f"N={n}")
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
