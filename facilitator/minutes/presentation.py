"""The minutes presented: one place for labels and formats (the page, the PDF, the CSV)."""

from datetime import datetime

from flask_babel import gettext as _

from ..contributions.models import PHASE_LABELS, STANCE_LABELS, Phase, StanceValue
from ..core import groups
from ..core.glossary import long_date, long_datetime
from ..dialogues.models import KIND_LABELS, ReflectionKind
from ..followups.models import AGREEMENT_LABELS as AGREEMENT_LABELS
from ..followups.models import STATUS_LABELS as FOLLOWUP_STATUS_LABELS
from ..followups.models import Agreement
from ..participants.services import role_label
from .compiling import GROUP_BOARD, GROUP_IVO, GROUP_POOLED, protected
from .models import MINUTES_STATUS_LABELS, Minutes


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- presenting (one place for labels and formats: the page, the PDF, the CSV) ---------


def _fmt_datetime(value: str | None) -> str:
    """A time in the minutes (a document): "3 december 2026 kl. 13:52" (glossary)."""
    return long_datetime(value)


def _held(started: str | None, closed: str | None) -> str:
    """When the meeting was held: "3 december 2026 kl. 13:00–15:40" within one day."""
    if not started:
        return ""
    if not closed:
        return long_datetime(started)
    if long_date(started) == long_date(closed):  # the closing time alone, after a dash
        return f"{long_datetime(started)}–{long_datetime(closed).rsplit(' ', 1)[-1]}"
    return f"{long_datetime(started)} – {long_datetime(closed)}"


def _fmt_date(value: str | None) -> str:
    """A date in the minutes (a document): "30 juni 2027" (glossary), or ""."""
    return long_date(value) if value else ""


def _minutes_text(seconds: int) -> str:
    return _("%(n)d min", n=round((seconds or 0) / 60))


def group_label(group: dict | None) -> str:
    if not group:
        return "–"
    if group["group"] == GROUP_BOARD:
        return group["short_name"] or group["name"]
    if group["group"] == GROUP_IVO:
        return "IVO"
    if group["group"] == GROUP_POOLED:
        return _("Övriga")
    return _("Utan nämnd")


def _owner_label(group: dict) -> str:
    if group["group"] == GROUP_BOARD:
        return group["name"] or group["short_name"]
    return "IVO"


def _label(labels: dict, value: str) -> str:
    for key, label in labels.items():
        if key.value == value:
            return str(label)
    return value


def _place(d: dict) -> str:
    if d["is_digital"]:
        return _("Digitalt") + (f": {d['place_room']}" if d["place_room"] else "")
    return ", ".join(p for p in (d["place_room"], d["place_address"]) if p) or _("Inte angiven")


def _role_label(role: str) -> str:
    return _("Övriga") if role == groups.OTHER else role_label(role)


def withheld_text(tally: dict) -> str:
    """What a tally says of the breakdowns the small-group rule leaves out, or ""."""
    withheld = tally.get("withheld") or {}
    return groups.withheld_text(tally.get("n", 0), withheld.get("by_role", False),
                                withheld.get("by_board", False))


def _stance_rows(tally: dict) -> list[dict]:
    values = [v.value for v in StanceValue]
    rows = [{"group": "all", "label": _("Alla"),
             "counts": [tally["total"][v] for v in values], "n": tally["n"]}]
    rows += [{"group": "role", "label": _role_label(row["role"]),
              "counts": [row["counts"][v] for v in values], "n": row["n"]}
             for row in tally["by_role"]]
    rows += [{"group": "board", "label": group_label(row["board"]),
              "counts": [row["counts"][v] for v in values], "n": row["n"]}
             for row in tally["by_board"]]
    return rows


def _min_group_size(content: dict) -> int:
    for r in content.get("reflections", []):
        for tally in r.get("stances", {}).values():
            if "min_group_size" in tally:
                return tally["min_group_size"]
    return groups.min_group_size()


def present(minutes: Minutes) -> dict:
    """The version's content with labels and local times, ready for the page and the PDF."""
    c = protected(minutes.content or {})
    d = c["dialogue"]
    start = _from_iso(d["starts_at"])
    kind_labels = {k.value: str(v) for k, v in KIND_LABELS.items()}
    attendance = c["attendance"]
    reflections = []
    disagreements_by_reflection: dict = {}
    for item in c["disagreements"]:
        disagreements_by_reflection.setdefault(item["reflection_id"], []).append(item)
    for r in c["reflections"]:
        phases = []
        for phase in (Phase.PRE, Phase.LIVE):
            tally = r["stances"][phase.value]
            phases.append({"key": phase.value, "label": str(PHASE_LABELS[phase]), "n": tally["n"],
                           "rows": _stance_rows(tally), "withheld": withheld_text(tally)})
        reflections.append({
            "id": r["id"], "kind": r["kind"],
            "kind_label": kind_labels.get(r["kind"], r["kind"]), "title": r["title"],
            "legal_basis": r["legal_basis"], "evidence": r["evidence"],
            "boards": _("Alla nämnder") if r["applies_to_all"] else ", ".join(r["boards"]),
            "phases": phases,
            "disagreements": disagreements_by_reflection.get(r["id"], []),
            "is_question": r["kind"] == ReflectionKind.IVO_QUESTION.value,
        })
    return {
        "version": minutes.version,
        "status": minutes.status.value,
        "status_label": str(MINUTES_STATUS_LABELS[minutes.status]),
        "note": minutes.note,
        "created_at": long_datetime(minutes.created_at),
        "finalized_at": long_datetime(minutes.finalized_at),
        "compiled_at": _fmt_datetime(c.get("compiled_at")),
        "title": d["title"],
        "purpose": d["purpose"],
        "date": long_date(start) if start else _("Inte angivet"),
        "starts_at": long_datetime(start),
        "started_at": _fmt_datetime(d["started_at"]),
        "closed_at": _fmt_datetime(d["closed_at"]),
        "held": _held(d["started_at"], d["closed_at"]),
        "place": _place(d),
        "facilitators": ", ".join(c["facilitators"]),
        "boards": ", ".join(b["name"] for b in c["boards"]),
        "attendance": {
            "total": attendance["total"],
            "roles": [role_label(r) for r in attendance["roles"]],
            "rows": [{"label": group_label(row["board"]),
                      "name": row["board"]["name"] if row["board"]["group"] == GROUP_BOARD
                      else group_label(row["board"]),
                      "counts": [row["by_role"][r] for r in attendance["roles"]],
                      "total": row["total"]} for row in attendance["by_board"]],
            "totals": [attendance["by_role"][r] for r in attendance["roles"]],
        },
        "agenda": {
            "rows": [{"title": i["title"], "planned": _("%(n)d min", n=i["planned_minutes"]),
                      "actual": _minutes_text(i["actual_seconds"]),
                      "over": i["actual_seconds"] > i["planned_minutes"] * 60}
                     for i in c["agenda"]["items"]],
            "planned": _("%(n)d min", n=c["agenda"]["planned_minutes"]),
            "actual": _minutes_text(c["agenda"]["actual_seconds"]),
        },
        "stance_labels": [str(STANCE_LABELS[v]) for v in StanceValue],
        "small_group_note": groups.note(_min_group_size(c)),
        "reflections": reflections,
        "questions": c["questions"],
        "disagreements": c["disagreements"],
        "good_examples": c["good_examples"],
        # Versions compiled before the consensus figure existed have none.
        "to_talk_about": c.get("to_talk_about", []),
        "followups": [{
            "title": f["title"], "description": f["description"],
            "owner": _owner_label(f["owner"]), "role": f["responsible_role"],
            "due": _fmt_date(f["due_date"]), "due_iso": f["due_date"] or "",
            "agreement": _label(AGREEMENT_LABELS, f["agreement"]),
            "different": f["agreement"] == Agreement.DIFFERENT.value,
            "ivo_position": f["ivo_position"], "board_position": f["board_position"],
            "status": _label(FOLLOWUP_STATUS_LABELS, f["status"]),
            "status_reason": f["status_reason"],
        } for f in c["followups"]],
    }
