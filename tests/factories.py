"""Test data through the product's services: the states the factories make are states the
product can reach. Each helper here calls one service, as a route or a socket event would;
the factories that use them (helpers_*.py) commit once at the end, as an entry point does.

Where a state has no service (a time in the past), the factory sets that one field after the
service made the row, through `backdate`, and says why."""

from facilitator.accounts import services as accounts
from facilitator.contributions import services as contributions
from facilitator.core import uow
from facilitator.decisions import services as decisions
from facilitator.dialogues import services as dialogues
from facilitator.dialogues.models import Dialogue
from facilitator.extensions import db
from facilitator.followups import reviewers
from facilitator.live import control, moderation, participation
from facilitator.live.actors import FACILITATOR, PARTICIPANT, Actor
from facilitator.organizations import services as organizations
from facilitator.organizations.models import Organization
from facilitator.participants import services as participants
from facilitator.participants.models import Participant


def user(email, name, password, *, is_admin=False, organization_id=None):
    return accounts.create_user(email, name, password, is_admin=is_admin,
                                organization_id=organization_id)


def board(actor, name, short_name, kind="kommun", contact_email=""):
    return organizations.create_organization(
        actor, {"name": name, "short_name": short_name, "kind": kind,
                "contact_email": contact_email or ""})


def dialogue(actor, title, *, organization_ids=(), facilitator_ids=(), **fields):
    payload = {
        "title": title, "purpose": "", "starts_at": "", "duration_minutes": "180",
        "place_room": "", "place_address": "", "is_digital": False,
        "organization_ids": [str(i) for i in organization_ids],
        "facilitator_ids": [str(i) for i in facilitator_ids],
        "premoderation": True, "participation_mode": "pseudonymous",
        "show_board_results": True,
    }
    payload.update(fields)
    return dialogues.create_dialogue(actor, payload), payload


def update_dialogue(actor, dialogue_id, **changes):
    """Change some of a dialogue's details, as its edit form does: every field is sent again,
    the others as they are."""
    dialogue = db.session.get(Dialogue, dialogue_id)
    payload = dialogues.dialogue_form_data(dialogue)
    starts_at = payload["starts_at"]
    payload["starts_at"] = starts_at.strftime("%Y-%m-%dT%H:%M") if starts_at else ""
    for key in ("organization_ids", "facilitator_ids"):
        payload[key] = [str(i) for i in payload[key]]
    payload.update(changes)
    return dialogues.update_dialogue(actor, dialogue_id, payload)


def reflection(actor, dialogue_id, title, kind="deficiency", **fields):
    payload = {"kind": kind, "title": title, "body_md": "", "legal_basis": "", "evidence": "",
               "applies_to_all": True, "organization_ids": []}
    payload.update(fields)
    return dialogues.create_reflection(actor, dialogue_id, payload)


def agenda_item(actor, dialogue_id, title, minutes, reflection_ids=(), description=""):
    return dialogues.create_agenda_item(actor, dialogue_id, {
        "title": title, "description": description, "planned_minutes": str(minutes),
        "reflection_ids": [str(i) for i in reflection_ids]})


def step(actor, dialogue_id, to_status):
    """The dialogue's next step in its life cycle (closing by its owner, the minutes)."""
    return dialogues.transition(actor, dialogue_id, to_status)


def join(dialogue, organization_id, role, name="") -> Participant:
    """A phone joins: board (None for no board), role, optional name."""
    participant, _token = participants.join(dialogue, {
        "organization": "none" if organization_id is None else str(organization_id),
        "role": str(role), "name": name or ""})
    return participant


def join_with_token(dialogue, organization_id, role, name="") -> tuple[Participant, str]:
    return participants.join(dialogue, {
        "organization": "none" if organization_id is None else str(organization_id),
        "role": str(role), "name": name or ""})


def stance(participant, reflection_id, value, phase=None):
    payload = {"reflection_id": str(reflection_id), "value": str(value)}
    if phase:
        payload["phase"] = str(phase)
    return contributions.set_stance(participant, payload)


def submit(participant, kind, text, **fields):
    payload = {"kind": str(kind), "text": text}
    payload.update({k: str(v) for k, v in fields.items() if v is not None})
    contribution, _created = contributions.submit_contribution(participant, payload)
    return contribution


def facilitator_actor(user_, dialogue_id) -> Actor:
    return Actor(FACILITATOR, dialogue_id, user=user_)


def participant_actor(participant) -> Actor:
    return Actor(PARTICIPANT, participant.dialogue_id, participant_id=participant.id)


def moderate(user_, contribution, action, **fields):
    return moderation.moderate(facilitator_actor(user_, contribution.dialogue_id),
                               {"id": contribution.id, "action": action, **fields})


def vote(participant, contribution):
    return participation.vote(participant_actor(participant),
                              {"question_id": contribution.id, "on": True})


def agenda(user_, dialogue_id, action, item_id=None):
    payload = {"action": action}
    if item_id is not None:
        payload["item_id"] = item_id
    return control.agenda(facilitator_actor(user_, dialogue_id), payload)


def intake(user_, dialogue_id, open_):
    """Open or close the meeting's question intake (audited as intake.open / intake.close)."""
    return control.set_intake(facilitator_actor(user_, dialogue_id), {"open": open_})


def projector_link(user_, dialogue_id) -> str:
    """A new projector link for the dialogue's meeting: its token, shown once."""
    return control.new_projector_link(facilitator_actor(user_, dialogue_id))


def open_poll(user_, dialogue_id, reflection_id, results_live=True):
    return control.poll(facilitator_actor(user_, dialogue_id),
                        {"action": "open", "reflection_id": reflection_id,
                         "results_live": results_live})


def decision(actor, dialogue_id, decided_on, case_number, report_due, requirement_ids=None):
    """IVO records its decision; without `requirement_ids` it requires measures for every
    deficiency (and concern) of the dialogue. Dates as date objects or ISO strings."""
    if requirement_ids is None:
        dialogue = db.session.get(Dialogue, dialogue_id)
        requirement_ids = [r_id for r_id, _title in decisions.requirement_choices(dialogue)]
    return decisions.record_decision(actor, dialogue_id, {
        "decided_on": str(decided_on), "case_number": case_number,
        "report_due": str(report_due), "requirement_ids": [str(i) for i in requirement_ids]})


def measures(board_actor, dialogue_id, text="Ny rutin beslutad av nämnden",
             timetable="Införs under hösten", responsible_role="enhetschef",
             kind="planned", status="planned"):
    """A board (a staff account or a `Reviewer`) fills in the same measure for every
    deficiency the decision requires of it, in one save, as its decision page does."""
    reviewer = reviewers.as_reviewer(board_actor)
    dialogue = db.session.get(Dialogue, dialogue_id)
    organization = db.session.get(Organization, reviewer.organization_id)
    decision_ = decisions.decision_for(dialogue)
    payload = {}
    for r in decision_.requirements:
        if decisions.applies_to(r, organization, dialogue):
            prefix = decisions.measure_prefix(r.id)
            payload.update({prefix + "text": text, prefix + "timetable": timetable,
                            prefix + "responsible_role": responsible_role,
                            prefix + "kind": kind, prefix + "status": status})
    return decisions.save_measures(board_actor, dialogue_id, payload)


def submit_report(board_actor, dialogue_id):
    """The board submits its redovisning: the next version."""
    return decisions.submit_report(board_actor, dialogue_id)


def review_report(actor, dialogue_id, version, outcome, comment=""):
    """IVO answers a submitted version: "acknowledged" or "additions_requested"."""
    return decisions.review_report(actor, dialogue_id, version.id,
                                   {"outcome": outcome, "comment": comment})


def backdate(row, **times) -> None:
    """Set times in the past on a row a service made: no service writes a past time. Flushes;
    the factory commits."""
    for name, value in times.items():
        setattr(row, name, value)
    db.session.flush()


ROOM_ROLES = ("socialsekreterare", "arbetsledare", "chef", "politiker")


def room(phones: int, *, email="admin@ivo.se", premoderation=False, live=False,
         projector=False, roles=ROOM_ROLES) -> dict:
    """A published dialogue of one board (Gnesta) with `phones` joined phones, for a server
    started in another process: what its tests need to play the room, as plain data (the
    dialogue's id, the participant cookie's name, each phone's id and token, and the
    projector link's token when asked). Optionally live. Commits once."""
    admin = user(email, "Ada Admin", "ett-langt-testlosenord", is_admin=True)
    org = board(admin, "Socialnämnden i Gnesta kommun", "Gnesta")
    made, _payload = dialogue(admin, "Återföringsdialog Gnesta", organization_ids=[org.id],
                              premoderation=premoderation)
    reflection(admin, made.id, "Förhandsbedömningar dröjer")
    step(admin, made.id, "published")
    joined = []
    for n in range(phones):
        p, token = join_with_token(made, org.id, roles[n % len(roles)])
        joined.append([p.id, token])
    if live:
        step(admin, made.id, "live")
    out = {"dialogue": made.id, "cookie": participants.cookie_name(made), "phones": joined}
    if projector:
        out["projector"] = projector_link(admin, made.id)
    uow.commit()
    return out
