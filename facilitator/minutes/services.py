"""Closing a dialogue, its minutes (protokoll) with versions, and their exports.

The minutes' content is compiled once into plain JSON-able data (`compile_minutes`) and
stored on the version, so a version never changes when the data behind it changes later.
A draft may be compiled again; a final version is never touched: a correction makes the
next version (compiled anew from the data as it is then, with a note saying what changed).

Every function that acts for someone takes the acting user first and checks access.
"""

import csv
import io
import json
from collections import Counter
from datetime import date, datetime

from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import utcnow
from ..audit import services as audit
from ..contributions.forms import STANCE_LABELS
from ..contributions.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Phase,
    Stance,
    StanceValue,
)
from ..core.payloads import validated
from ..dialogues import services as dialogues
from ..dialogues.access import managed_dialogue
from ..dialogues.forms import KIND_LABELS
from ..dialogues.models import AgendaItem, Dialogue, DialogueStatus, ReflectionKind
from ..errors import Conflict, NotFound
from ..extensions import db
from ..followups.models import Agreement, FollowUpItem, FollowUpStatus
from ..live.models import ItemTiming, Meeting, Poll
from ..participants.models import Participant, Role
from ..participants.services import role_label
from .forms import AGREEMENT_LABELS, FOLLOWUP_STATUS_LABELS, MINUTES_STATUS_LABELS, CorrectionForm
from .models import Minutes, MinutesStatus

#: Bumped when the shape of `content` changes, so old versions can still be read.
SCHEMA = 1

#: Statuses in which a dialogue has minutes.
HAS_MINUTES = (DialogueStatus.CLOSED, DialogueStatus.ARCHIVED)

#: Groups of participants that are not a board.
GROUP_BOARD, GROUP_IVO, GROUP_OTHER = "board", "ivo", "other"


# --- small helpers ---------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _group(org, role) -> dict:
    """The group a participant (or a follow-up item's owner) belongs to, as plain data."""
    if org is not None:
        return {"group": GROUP_BOARD, "id": org.id, "name": org.name,
                "short_name": org.short_name}
    if role is None or Role(role) == Role.IVO:
        return {"group": GROUP_IVO, "id": None, "name": "IVO", "short_name": "IVO"}
    return {"group": GROUP_OTHER, "id": None, "name": "", "short_name": ""}


def _group_key(group: dict) -> str:
    return f"{group['group']}:{group['id'] or ''}"


def _empty_counts() -> dict[str, int]:
    return {value.value: 0 for value in StanceValue}


# --- compiling -------------------------------------------------------------------------


def _used_seconds(dialogue: Dialogue) -> dict[int, int]:
    """Time each agenda item was the current one; a stretch still open ends at the close."""
    end_default = dialogue.closed_at or utcnow()
    used = {item.id: 0 for item in dialogue.agenda_items}
    if not used:
        return used
    for timing in db.session.scalars(
        select(ItemTiming).where(ItemTiming.agenda_item_id.in_(list(used)))
    ):
        end = timing.ended_at or end_default
        used[timing.agenda_item_id] += max(0, int((end - timing.started_at).total_seconds()))
    return used


def _participants(dialogue: Dialogue) -> dict[int, Participant]:
    return {p.id: p for p in db.session.scalars(
        select(Participant).where(Participant.dialogue_id == dialogue.id)
        .order_by(Participant.id)
    )}


def _group_order(dialogue: Dialogue, groups: list[dict]) -> list[dict]:
    """The dialogue's boards in their order, boards no longer on it, then IVO, then others."""
    order = {org.id: i for i, org in enumerate(dialogue.organizations)}

    def key(group):
        if group["group"] == GROUP_BOARD:
            return (0, order.get(group["id"], len(order)), group["short_name"])
        return (1 if group["group"] == GROUP_IVO else 2, 0, "")

    unique = {_group_key(g): g for g in groups}
    return sorted(unique.values(), key=key)


def _attendance(dialogue: Dialogue, participants: dict[int, Participant]) -> dict:
    """Who took part, counted by board and role: counts only, never names."""
    groups = {}
    counts: Counter = Counter()
    for p in participants.values():
        group = _group(p.organization, p.role)
        groups[_group_key(group)] = group
        counts[(_group_key(group), p.role.value)] += 1
    roles = [role.value for role in Role if any(r == role.value for _g, r in counts)]
    rows = []
    for group in _group_order(dialogue, list(groups.values())):
        key = _group_key(group)
        by_role = {role: counts.get((key, role), 0) for role in roles}
        rows.append({"board": group, "by_role": by_role, "total": sum(by_role.values())})
    by_role_total = {role: sum(counts.get((_group_key(g), role), 0) for g in groups.values())
                     for role in roles}
    return {"total": len(participants), "roles": roles, "by_board": rows,
            "by_role": by_role_total}


def _tally(dialogue: Dialogue, stances: list[Stance], participants: dict[int, Participant]):
    total = _empty_counts()
    by_role: dict[str, dict] = {}
    by_group: dict[str, dict] = {}
    groups = {}
    for stance in stances:
        p = participants.get(stance.participant_id)
        if p is None:
            continue
        value = stance.value.value
        total[value] += 1
        by_role.setdefault(p.role.value, _empty_counts())[value] += 1
        group = _group(p.organization, p.role)
        groups[_group_key(group)] = group
        by_group.setdefault(_group_key(group), _empty_counts())[value] += 1
    return {
        "n": sum(total.values()),
        "total": total,
        "by_role": [{"role": role.value, "counts": by_role[role.value],
                     "n": sum(by_role[role.value].values())}
                    for role in Role if role.value in by_role],
        "by_board": [{"board": group, "counts": by_group[_group_key(group)],
                      "n": sum(by_group[_group_key(group)].values())}
                     for group in _group_order(dialogue, list(groups.values()))],
    }


def _public(c: Contribution) -> bool:
    """On the record: approved, not merged into another, no suspected personnummer."""
    return (c.status == ContributionStatus.APPROVED and c.merged_into_id is None
            and not c.personal_data_flag and bool(c.text))


def _votes(ids: list[int]) -> dict[int, int]:
    from ..contributions.models import Vote

    if not ids:
        return {}
    return dict(db.session.execute(
        select(Vote.contribution_id, func.count()).where(Vote.contribution_id.in_(ids))
        .group_by(Vote.contribution_id)
    ).all())


def compile_minutes(dialogue: Dialogue) -> dict:
    """Everything the minutes say, as plain JSON-able data fixed at this moment."""
    participants = _participants(dialogue)
    used = _used_seconds(dialogue)
    reflections = {r.id: r for r in dialogue.reflections}
    items = {i.id: i for i in dialogue.agenda_items}

    stances: dict[tuple[int, str], list[Stance]] = {}
    for stance in db.session.scalars(select(Stance).where(Stance.dialogue_id == dialogue.id)):
        stances.setdefault((stance.reflection_id, stance.phase.value), []).append(stance)

    contributions = [c for c in db.session.scalars(
        select(Contribution).where(Contribution.dialogue_id == dialogue.id)
        .order_by(Contribution.created_at, Contribution.id)
    ) if _public(c)]
    votes = _votes([c.id for c in contributions if c.kind == ContributionKind.QUESTION])

    def author_group(c: Contribution) -> dict | None:
        p = participants.get(c.participant_id)
        return _group(p.organization, p.role) if p is not None else None

    def about(c: Contribution) -> dict:
        r = reflections.get(c.reflection_id)
        i = items.get(c.agenda_item_id)
        return {"reflection_id": r.id if r else None, "reflection_title": r.title if r else "",
                "agenda_item_title": i.title if i else ""}

    questions = [{"id": c.id, "text": c.text, "votes": votes.get(c.id, 0),
                  "answered": bool(c.answered), "phase": c.phase.value, **about(c)}
                 for c in contributions if c.kind == ContributionKind.QUESTION]
    disagreements = [{"id": c.id, "text": c.text, "board": author_group(c), **about(c)}
                     for c in contributions if c.kind == ContributionKind.DISAGREEMENT]
    examples = [{"id": c.id, "text": c.text, "board": author_group(c), **about(c)}
                for c in contributions if c.kind == ContributionKind.GOOD_EXAMPLE]

    followups = []
    for item in db.session.scalars(
        select(FollowUpItem).where(FollowUpItem.dialogue_id == dialogue.id)
        .order_by(FollowUpItem.due_date.is_(None), FollowUpItem.due_date, FollowUpItem.id)
    ):
        followups.append({
            "id": item.id, "title": item.title, "description": item.description or "",
            "owner": _group(item.organization, None),
            "responsible_role": item.responsible_role or "",
            "due_date": _iso(item.due_date),
            "agreement": item.agreement.value if item.agreement else Agreement.SHARED.value,
            "ivo_position": item.ivo_position or "", "board_position": item.board_position or "",
            "status": item.status.value if item.status else FollowUpStatus.PROPOSED.value,
            "status_reason": item.status_reason or "",
        })

    return {
        "schema": SCHEMA,
        "compiled_at": _iso(utcnow()),
        "dialogue": {
            "id": dialogue.id, "title": dialogue.title, "purpose": dialogue.purpose or "",
            "starts_at": _iso(dialogue.starts_at), "duration_minutes": dialogue.duration_minutes,
            "place_room": dialogue.place_room or "", "place_address": dialogue.place_address or "",
            "is_digital": bool(dialogue.is_digital),
            "started_at": _iso(dialogue.started_at), "closed_at": _iso(dialogue.closed_at),
        },
        "facilitators": sorted(u.name for u in dialogue.facilitators),
        "boards": [{"id": o.id, "name": o.name, "short_name": o.short_name}
                   for o in dialogue.organizations],
        "attendance": _attendance(dialogue, participants),
        "agenda": {
            "items": [{"id": i.id, "title": i.title, "planned_minutes": i.planned_minutes or 0,
                       "actual_seconds": used.get(i.id, 0),
                       "reflection_ids": [r.id for r in i.reflections]}
                      for i in dialogue.agenda_items],
            "planned_minutes": sum(i.planned_minutes or 0 for i in dialogue.agenda_items),
            "actual_seconds": sum(used.values()),
        },
        "reflections": [{
            "id": r.id, "kind": r.kind.value, "title": r.title, "body_md": r.body_md or "",
            "legal_basis": r.legal_basis or "", "evidence": r.evidence or "",
            "applies_to_all": bool(r.applies_to_all),
            "boards": [o.short_name for o in r.organizations],
            "stances": {phase.value: _tally(dialogue, stances.get((r.id, phase.value), []),
                                            participants)
                        for phase in Phase},
        } for r in dialogue.reflections],
        "questions": {"answered": [q for q in questions if q["answered"]],
                      "unanswered": [q for q in questions if not q["answered"]]},
        "disagreements": disagreements,
        "good_examples": examples,
        "followups": followups,
    }


# --- closing ---------------------------------------------------------------------------


def _end_meeting(dialogue: Dialogue, now: datetime) -> Poll | None:
    """End the running agenda item's time and the open poll (in the caller's transaction)."""
    for timing in db.session.scalars(select(ItemTiming).join(AgendaItem).where(
            AgendaItem.dialogue_id == dialogue.id, ItemTiming.ended_at.is_(None))):
        timing.ended_at = now
    poll = db.session.scalar(select(Poll).where(Poll.dialogue_id == dialogue.id,
                                                Poll.closed_at.is_(None)))
    if poll is not None:
        poll.closed_at = now
    return poll


def _latest(dialogue: Dialogue) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.dialogue_id == dialogue.id)
                             .order_by(Minutes.version.desc()))


def _draft(actor, dialogue: Dialogue, note: str = "") -> Minutes:
    """Compile the latest draft again, or make the first version (in the session)."""
    latest = _latest(dialogue)
    if latest is not None and latest.status == MinutesStatus.FINAL:
        raise Conflict(_("Protokollet är fastställt. Gör en rättelse för att ändra det: "
                         "den blir en ny version."))
    if latest is None:
        latest = Minutes(dialogue_id=dialogue.id, version=1, status=MinutesStatus.DRAFT,
                         note=note, created_by_id=actor.id)
        db.session.add(latest)
    latest.content = compile_minutes(dialogue)
    db.session.flush()
    return latest


def close_dialogue(actor, dialogue_id) -> Minutes:
    """Stäng mötet: the dialogue goes from live to closed, the running agenda item's time and
    the open poll end, and the minutes' first draft is compiled. Returns that draft."""
    dialogue = managed_dialogue(actor, dialogue_id)
    if dialogue.status != DialogueStatus.LIVE:
        raise Conflict(_("Bara ett pågående möte kan stängas. Starta mötet först, eller öppna "
                         "protokollet om mötet redan är stängt."))
    poll = _end_meeting(dialogue, utcnow())
    dialogue = dialogues.transition(actor, dialogue.id, DialogueStatus.CLOSED)  # commits
    closed_seq = dialogue.seq
    poll_seq = None
    if poll is not None:
        from ..live import broadcast

        poll_seq = broadcast.next_seq(dialogue.id)
    minutes = _draft(actor, dialogue)
    audit.record("minutes.compiled", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version)
    db.session.commit()
    _announce_closed(dialogue, closed_seq, poll, poll_seq)
    return minutes


def _announce_closed(dialogue: Dialogue, seq: int, poll: Poll | None, poll_seq) -> None:
    """Tell the room the meeting is over (after the commit; the database is the truth)."""
    from ..live import broadcast

    meeting = db.session.get(Meeting, dialogue.id)
    used = _used_seconds(dialogue)
    broadcast.change(dialogue.id, seq, "agenda", {
        "status": str(dialogue.status),
        "current_item_id": meeting.current_agenda_item_id if meeting else None,
        "item_started_at": None,
        "used": {str(k): v for k, v in used.items()},
    })
    if poll is not None and poll_seq is not None:
        broadcast.change(dialogue.id, poll_seq, "poll",
                         {"poll": None, "closed": poll.reflection_id})


# --- versions --------------------------------------------------------------------------


def _minutes_dialogue(actor, dialogue_id) -> Dialogue:
    """A dialogue whose minutes `actor` may see: its facilitators and admins only."""
    return managed_dialogue(actor, dialogue_id)


def list_versions(actor, dialogue_id) -> tuple[Dialogue, list[Minutes]]:
    """The dialogue and all its minutes' versions, newest first."""
    dialogue = _minutes_dialogue(actor, dialogue_id)
    versions = list(db.session.scalars(
        select(Minutes).where(Minutes.dialogue_id == dialogue.id)
        .order_by(Minutes.version.desc())
    ))
    return dialogue, versions


def get_version(actor, dialogue_id, version) -> tuple[Dialogue, Minutes]:
    """One version of a dialogue's minutes."""
    dialogue = _minutes_dialogue(actor, dialogue_id)
    try:
        number = int(version)
    except (TypeError, ValueError):
        number = None
    minutes = db.session.scalar(select(Minutes).where(
        Minutes.dialogue_id == dialogue.id, Minutes.version == number)) if number else None
    if minutes is None:
        raise NotFound(_("Den versionen av protokollet finns inte."))
    return dialogue, minutes


def latest_version(actor, dialogue_id) -> tuple[Dialogue, Minutes | None]:
    dialogue = _minutes_dialogue(actor, dialogue_id)
    return dialogue, _latest(dialogue)


def regenerate(actor, dialogue_id) -> Minutes:
    """Compile the draft again from the data as it is now (or make the first draft for a
    dialogue closed without one). Refused once the latest version is fastställd."""
    dialogue = _minutes_dialogue(actor, dialogue_id)
    if dialogue.status not in HAS_MINUTES:
        raise Conflict(_("Protokollet sammanställs när mötet är stängt. Stäng mötet först."))
    minutes = _draft(actor, dialogue)
    audit.record("minutes.compiled", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version)
    db.session.commit()
    return minutes


def finalize(actor, dialogue_id, version) -> Minutes:
    """Fastställ: the draft becomes final and is never changed again."""
    dialogue, minutes = get_version(actor, dialogue_id, version)
    if minutes.status == MinutesStatus.FINAL:
        raise Conflict(_("Den här versionen är redan fastställd."))
    latest = _latest(dialogue)
    if latest.id != minutes.id:  # pragma: no cover - only the latest can be a draft
        raise Conflict(_("Bara den senaste versionen kan fastställas."))
    minutes.status = MinutesStatus.FINAL
    minutes.finalized_at = utcnow()
    audit.record("minutes.finalized", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version)
    db.session.commit()
    return minutes


def start_correction(actor, dialogue_id, payload) -> Minutes:
    """A correction after the minutes were fastställda: the next version, as a draft compiled
    anew from the data as it is now, with a note saying what is corrected. The earlier
    versions stay as they were."""
    dialogue = _minutes_dialogue(actor, dialogue_id)
    latest = _latest(dialogue)
    if latest is None:
        raise Conflict(_("Det finns inget protokoll att rätta ännu."))
    if latest.status != MinutesStatus.FINAL:
        raise Conflict(_("Version %(n)d är fortfarande ett utkast. Sammanställ om utkastet "
                         "i stället för att göra en rättelse.", n=latest.version))
    form = validated(CorrectionForm, payload)
    minutes = Minutes(dialogue_id=dialogue.id, version=latest.version + 1,
                      status=MinutesStatus.DRAFT, note=form.note.data, created_by_id=actor.id,
                      content=compile_minutes(dialogue))
    db.session.add(minutes)
    db.session.flush()
    audit.record("minutes.correction", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version, note=minutes.note)
    db.session.commit()
    return minutes


# --- presenting (one place for labels and formats: the page, the PDF, the CSV) ---------


def _fmt_datetime(value: str | None) -> str:
    return format_datetime(_from_iso(value), "medium") if value else ""


def _fmt_date(value: str | None, fmt: str = "long") -> str:
    if not value:
        return ""
    return format_date(date.fromisoformat(value[:10]) if len(value) <= 10
                       else _from_iso(value), fmt)


def _minutes_text(seconds: int) -> str:
    return _("%(n)d min", n=round((seconds or 0) / 60))


def group_label(group: dict | None) -> str:
    if not group:
        return "–"
    if group["group"] == GROUP_BOARD:
        return group["short_name"] or group["name"]
    if group["group"] == GROUP_IVO:
        return "IVO"
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


def _stance_rows(tally: dict) -> list[dict]:
    values = [v.value for v in StanceValue]
    rows = [{"group": "all", "label": _("Alla"),
             "counts": [tally["total"][v] for v in values], "n": tally["n"]}]
    rows += [{"group": "role", "label": role_label(row["role"]),
              "counts": [row["counts"][v] for v in values], "n": row["n"]}
             for row in tally["by_role"]]
    rows += [{"group": "board", "label": group_label(row["board"]),
              "counts": [row["counts"][v] for v in values], "n": row["n"]}
             for row in tally["by_board"]]
    return rows


def present(minutes: Minutes) -> dict:
    """The version's content with labels and local times, ready for the page and the PDF."""
    c = minutes.content or {}
    d = c["dialogue"]
    start = _from_iso(d["starts_at"])
    phase_labels = {Phase.PRE.value: _("Före mötet"), Phase.LIVE.value: _("Under mötet")}
    kind_labels = {k.value: str(v) for k, v in KIND_LABELS.items()}
    attendance = c["attendance"]
    reflections = []
    disagreements_by_reflection: dict = {}
    for item in c["disagreements"]:
        disagreements_by_reflection.setdefault(item["reflection_id"], []).append(item)
    for r in c["reflections"]:
        phases = []
        for phase in (Phase.PRE.value, Phase.LIVE.value):
            tally = r["stances"][phase]
            phases.append({"key": phase, "label": phase_labels[phase], "n": tally["n"],
                           "rows": _stance_rows(tally)})
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
        "created_at": format_datetime(minutes.created_at, "medium"),
        "finalized_at": format_datetime(minutes.finalized_at, "medium")
        if minutes.finalized_at else "",
        "compiled_at": _fmt_datetime(c.get("compiled_at")),
        "title": d["title"],
        "purpose": d["purpose"],
        "date": format_date(start, "full") if start else _("Inte angivet"),
        "starts_at": format_datetime(start, "short") if start else "",
        "started_at": _fmt_datetime(d["started_at"]),
        "closed_at": _fmt_datetime(d["closed_at"]),
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
        "reflections": reflections,
        "questions": c["questions"],
        "disagreements": c["disagreements"],
        "good_examples": c["good_examples"],
        "followups": [{
            "title": f["title"], "description": f["description"],
            "owner": _owner_label(f["owner"]), "role": f["responsible_role"],
            "due": _fmt_date(f["due_date"], "medium"), "due_iso": f["due_date"] or "",
            "agreement": _label(AGREEMENT_LABELS, f["agreement"]),
            "different": f["agreement"] == Agreement.DIFFERENT.value,
            "ivo_position": f["ivo_position"], "board_position": f["board_position"],
            "status": _label(FOLLOWUP_STATUS_LABELS, f["status"]),
            "status_reason": f["status_reason"],
        } for f in c["followups"]],
    }


# --- exports ---------------------------------------------------------------------------


def filename(dialogue: Dialogue, minutes: Minutes, ext: str) -> str:
    """protokoll-<kod-eller-id>-v<version>.<ext>: the join code while there is one."""
    code = (dialogue.join_code or str(dialogue.id)).lower()
    return f"protokoll-{code}-v{minutes.version}.{ext}"


def export_json(actor, dialogue_id, version) -> tuple[bytes, str]:
    """The version's content with its metadata, as UTF-8 JSON."""
    dialogue, minutes = get_version(actor, dialogue_id, version)
    body = {
        "dialogue_id": dialogue.id, "version": minutes.version, "status": minutes.status.value,
        "note": minutes.note, "created_at": _iso(minutes.created_at),
        "finalized_at": _iso(minutes.finalized_at), "content": minutes.content,
    }
    data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
    return data, filename(dialogue, minutes, "json")


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def followups_csv_rows(minutes: Minutes) -> list[list[str]]:
    view = present(minutes)
    header = [_("Nr"), _("Åtgärd"), _("Beskrivning"), _("Ägare"), _("Ansvarig roll"),
              _("Klart senast"), _("Samsyn"), _("IVO:s syn"), _("Nämndens syn"), _("Status")]
    rows = [header]
    for number, f in enumerate(view["followups"], start=1):
        rows.append([str(number), f["title"], f["description"], f["owner"], f["role"],
                     f["due_iso"], f["agreement"], f["ivo_position"], f["board_position"],
                     f["status"]])
    return rows


def export_csv(actor, dialogue_id, version) -> tuple[bytes, str]:
    """The follow-up items as CSV for Swedish Excel: UTF-8 with BOM, `;`, a header row."""
    dialogue, minutes = get_version(actor, dialogue_id, version)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in followups_csv_rows(minutes):
        writer.writerow([_csv_safe(cell) for cell in row])
    name = filename(dialogue, minutes, "csv").replace("protokoll-", "uppfoljning-", 1)
    return out.getvalue().encode("utf-8-sig"), name


def _pdf_stance_table(doc, view: dict, phase: dict) -> None:
    headings = [_("Grupp"), *view["stance_labels"], _("Totalt")]
    rows = []
    for row in phase["rows"]:
        prefix = {"role": _("Roll"), "board": _("Nämnd")}.get(row["group"])
        label = f"{prefix}: {row['label']}" if prefix else row["label"]
        rows.append([label, *[str(n) for n in row["counts"]], str(row["n"])])
    doc.table(headings, rows, widths=(52, 24, 22, 28, 24, 24))


def export_pdf(actor, dialogue_id, version) -> tuple[bytes, str]:
    """The version as an A4 PDF with the bundled DejaVu fonts."""
    from ..core.pdf import Document

    dialogue, minutes = get_version(actor, dialogue_id, version)
    view = present(minutes)
    doc = Document(_("Protokoll: %(title)s", title=view["title"]),
                   _("Version %(n)d · %(status)s", n=view["version"],
                     status=view["status_label"]))
    doc.heading(_("Protokoll från återföringsdialog"))
    doc.paragraph(view["title"], size=13, bold=True)
    if view["status"] == MinutesStatus.DRAFT.value:
        doc.paragraph(_("UTKAST – protokollet är inte fastställt."), bold=True)
    doc.field(_("Version"), f"{view['version']} ({view['status_label']})")
    if view["note"]:
        doc.field(_("Rättelse"), view["note"])
    doc.field(_("Datum"), view["date"])
    doc.field(_("Plats"), view["place"])
    if view["started_at"]:
        doc.field(_("Mötet pågick"), f"{view['started_at']} – {view['closed_at']}")
    doc.field(_("Nämnder"), view["boards"])
    doc.field(_("Samordnare från IVO"), view["facilitators"])
    if view["finalized_at"]:
        doc.field(_("Fastställt"), view["finalized_at"])

    a = view["attendance"]
    doc.heading(_("Närvaro"), 2)
    doc.paragraph(_("%(n)d deltagare. Antal per nämnd och roll, utan namn.", n=a["total"]))
    if a["rows"]:
        doc.table([_("Nämnd"), *a["roles"], _("Totalt")],
                  [[row["label"], *[str(n) for n in row["counts"]], str(row["total"])]
                   for row in a["rows"]]
                  + [[_("Alla"), *[str(n) for n in a["totals"]], str(a["total"])]])

    doc.heading(_("Dagordning"), 2)
    if view["agenda"]["rows"]:
        doc.table([_("Punkt"), _("Planerad tid"), _("Faktisk tid")],
                  [[r["title"], r["planned"], r["actual"]] for r in view["agenda"]["rows"]]
                  + [[_("Totalt"), view["agenda"]["planned"], view["agenda"]["actual"]]],
                  widths=(110, 32, 32))
    else:
        doc.paragraph(_("Dagordningen var tom."))

    doc.heading(_("Reflektioner och samsyn"), 2)
    for r in view["reflections"]:
        doc.heading(f"{r['kind_label']}: {r['title']}", 3)
        if r["legal_basis"]:
            doc.field(_("Rättslig grund"), r["legal_basis"])
        if r["evidence"]:
            doc.field(_("Underlag"), r["evidence"])
        doc.field(_("Gäller"), r["boards"])
        for phase in r["phases"]:
            doc.paragraph(_("Samsyn %(phase)s (%(n)d svar)", phase=phase["label"].lower(),
                            n=phase["n"]), bold=True)
            if phase["n"]:
                _pdf_stance_table(doc, view, phase)
        for item in r["disagreements"]:
            doc.paragraph(_("Invändning från %(board)s: %(text)s",
                            board=group_label(item["board"]), text=item["text"]))

    doc.heading(_("Frågor"), 2)
    for key, title in (("answered", _("Besvarade frågor")),
                       ("unanswered", _("Obesvarade frågor"))):
        questions = view["questions"][key]
        doc.paragraph(f"{title} ({len(questions)})", bold=True)
        for q in questions:
            votes = ngettext("%(num)d röst", "%(num)d röster", q["votes"])
            doc.paragraph(f"• {q['text']}  ({votes})")

    doc.heading(_("Invändningar"), 2)
    if not view["disagreements"]:
        doc.paragraph(_("Inga invändningar fördes till protokollet."))
    for item in view["disagreements"]:
        doc.paragraph(f"{item['reflection_title'] or _('Hela dialogen')} – "
                      f"{group_label(item['board'])}: {item['text']}")

    if view["good_examples"]:
        doc.heading(_("Goda exempel"), 2)
        for item in view["good_examples"]:
            doc.paragraph(f"{group_label(item['board'])}: {item['text']}")

    doc.heading(_("Uppföljningspunkter"), 2)
    if view["followups"]:
        doc.table(
            [_("Åtgärd"), _("Ägare"), _("Ansvarig roll"), _("Klart senast"), _("Samsyn"),
             _("Status")],
            [[f["title"], f["owner"], f["role"], f["due"] or "–", f["agreement"], f["status"]]
             for f in view["followups"]],
            widths=(42, 28, 26, 22, 24, 32),
        )
        for f in view["followups"]:
            if f["different"]:
                doc.paragraph(f["title"], bold=True)
                doc.field(_("IVO:s syn"), f["ivo_position"])
                doc.field(_("Nämndens syn"), f["board_position"])
    else:
        doc.paragraph(_("Inga uppföljningspunkter ännu."))
    doc.paragraph(_("Sammanställt %(when)s.", when=view["compiled_at"]), size=8)
    return doc.output_bytes(), filename(dialogue, minutes, "pdf")
