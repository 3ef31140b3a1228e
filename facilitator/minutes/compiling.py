"""The minutes' content, compiled once into plain JSON-able data (`compile_minutes`) and stored
on the version, so a version never changes when the data behind it changes later."""

from collections import Counter
from datetime import date, datetime

from sqlalchemy import func, select

from ..contributions.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Phase,
    Stance,
    StanceValue,
    Vote,
)
from ..core import groups
from ..core.clock import utcnow
from ..dialogues.models import Dialogue
from ..extensions import db
from ..followups.models import Agreement, FollowUpItem, FollowUpStatus
from ..insights import consensus
from ..meetings.models import used_seconds
from ..participants.models import Participant, Role

#: Bumped when the shape of `content` changes, so old versions can still be read.
#: 2: stance tallies under the small-group rule (`protected` reads version 1).
SCHEMA = 2

#: Groups of participants that are not a board.
GROUP_BOARD, GROUP_IVO, GROUP_OTHER = "board", "ivo", "other"

#: The boards pooled under the small-group rule ("Övriga").
GROUP_POOLED = "pooled"
POOLED = {"group": GROUP_POOLED, "id": None, "name": "", "short_name": ""}


# --- small helpers ---------------------------------------------------------------------


def iso(value: datetime | date | None) -> str | None:
    """A time or date as ISO 8601, to the second; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


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
    """Stances in total and by role and by board, with the small-group rule applied: no
    group below the limit is in it (`core/groups.py`)."""
    total = _empty_counts()
    cells: dict[tuple[str, str], dict[str, int]] = {}
    boards = {}
    for stance in stances:
        p = participants.get(stance.participant_id)
        if p is None:
            continue
        value = stance.value.value
        total[value] += 1
        board = _group(p.organization, p.role)
        boards[_group_key(board)] = board
        cell = cells.setdefault((_group_key(board), p.role.value), {})
        cell[value] = cell.get(value, 0) + 1
    limit = groups.min_group_size()
    by_role, by_board = groups.protect_cells(cells, limit)
    return _shaped(total, by_role, by_board, limit,
                   [_group_key(b) for b in _group_order(dialogue, list(boards.values()))],
                   boards)


def _shaped(total: dict, by_role: "groups.Breakdown", by_board: "groups.Breakdown", limit: int,
            board_order: list[str], boards: dict) -> dict:
    """A protected tally as the minutes store it: rows in order, "Övriga" last."""
    def counts(c: dict) -> dict:
        return {**_empty_counts(), **c}

    roles = sorted(by_role.groups, key=groups.role_sort_key)
    shown_boards = [k for k in board_order if k in by_board.groups]
    rows = [{"board": boards[k], "counts": counts(by_board.groups[k]),
             "n": groups.size(by_board.groups[k])} for k in shown_boards]
    if groups.OTHER in by_board.groups:
        rows.append({"board": dict(POOLED), "counts": counts(by_board.groups[groups.OTHER]),
                     "n": groups.size(by_board.groups[groups.OTHER])})
    return {
        "n": sum(total.values()),
        "total": total,
        "by_role": [{"role": role, "counts": counts(by_role.groups[role]),
                     "n": groups.size(by_role.groups[role])} for role in roles],
        "by_board": rows,
        "min_group_size": limit,
        "withheld": {"by_role": by_role.withheld, "by_board": by_board.withheld},
    }


def protected(content: dict) -> dict:
    """The minutes' content with every stance tally under the small-group rule. Versions
    compiled before the rule (schema 1) stored every group: each breakdown is protected on
    its own, and since the answers behind them are no longer known, a board breakdown
    beside a role breakdown is withheld (the two together could single someone out)."""
    if not content or content.get("schema", 1) >= SCHEMA:
        return content
    limit = groups.min_group_size()
    reflections = []
    for r in content.get("reflections", []):
        phases = {}
        for phase, tally in r.get("stances", {}).items():
            role_counts = {row["role"]: row["counts"] for row in tally["by_role"]}
            boards = {_group_key(row["board"]): row["board"] for row in tally["by_board"]}
            board_counts = {_group_key(row["board"]): row["counts"]
                            for row in tally["by_board"]}
            by_role = groups.protect(role_counts, tally["total"], limit)
            by_board = groups.protect(board_counts, tally["total"], limit)
            if by_role.groups and by_board.groups:
                by_board = groups.Breakdown({}, True)
            phases[phase] = _shaped(tally["total"], by_role, by_board, limit, list(boards),
                                    boards)
        reflections.append({**r, "stances": phases})
    return {**content, "reflections": reflections}


def _public(c: Contribution) -> bool:
    """On the record: approved, not merged into another, no suspected personnummer."""
    return (c.status == ContributionStatus.APPROVED and c.merged_into_id is None
            and not c.personal_data_flag and bool(c.text))


def _votes(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Vote.contribution_id, func.count()).where(Vote.contribution_id.in_(ids))
        .group_by(Vote.contribution_id)
    ).all())


def compile_minutes(dialogue: Dialogue) -> dict:
    """Everything the minutes say, as plain JSON-able data fixed at this moment."""
    participants = _participants(dialogue)
    used = used_seconds((item.id for item in dialogue.agenda_items), until=dialogue.closed_at)
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
            "due_date": iso(item.due_date),
            "agreement": item.agreement.value if item.agreement else Agreement.SHARED.value,
            "ivo_position": item.ivo_position or "", "board_position": item.board_position or "",
            "status": item.status.value if item.status else FollowUpStatus.PROPOSED.value,
            "status_reason": item.status_reason or "",
        })

    return {
        "schema": SCHEMA,
        "compiled_at": iso(utcnow()),
        "dialogue": {
            "id": dialogue.id, "title": dialogue.title, "purpose": dialogue.purpose or "",
            "starts_at": iso(dialogue.starts_at), "duration_minutes": dialogue.duration_minutes,
            "place_room": dialogue.place_room or "", "place_address": dialogue.place_address or "",
            "is_digital": bool(dialogue.is_digital),
            "started_at": iso(dialogue.started_at), "closed_at": iso(dialogue.closed_at),
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
        "to_talk_about": [consensus.as_dict(r) for r in consensus.to_talk_about(dialogue)],
    }
