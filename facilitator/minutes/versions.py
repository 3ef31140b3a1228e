"""The minutes' versions: a draft compiled again while it is one, fastställd once, and a
correction after that as the next version (compiled anew from the data as it is then, with a note
saying what changed). Every function takes the acting user first and checks access."""

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..core.clock import utcnow
from ..core.payloads import validated
from ..dialogues.access import managed_dialogue
from ..dialogues.models import Dialogue, DialogueStatus
from ..errors import Conflict, NotFound
from ..extensions import db
from .compiling import compile_minutes
from .forms import CorrectionForm
from .models import Minutes, MinutesStatus

#: Statuses in which a dialogue has minutes.
HAS_MINUTES = (DialogueStatus.CLOSED, DialogueStatus.ARCHIVED)


def latest_minutes(dialogue: Dialogue) -> Minutes | None:
    """The newest version of the dialogue's minutes, if there is one."""
    return db.session.scalar(select(Minutes).where(Minutes.dialogue_id == dialogue.id)
                             .order_by(Minutes.version.desc()))


def compile_draft(actor, dialogue: Dialogue, note: str = "") -> Minutes:
    """Compile the latest draft again, or make the first version (in the session)."""
    latest = latest_minutes(dialogue)
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
    return dialogue, latest_minutes(dialogue)


def regenerate(actor, dialogue_id) -> Minutes:
    """Compile the draft again from the data as it is now (or make the first draft for a
    dialogue closed without one). Refused once the latest version is fastställd."""
    dialogue = _minutes_dialogue(actor, dialogue_id)
    if dialogue.status not in HAS_MINUTES:
        raise Conflict(_("Protokollet sammanställs när mötet är stängt. Stäng mötet först."))
    minutes = compile_draft(actor, dialogue)
    audit.record("minutes.compiled", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version)
    db.session.flush()
    return minutes


def finalize(actor, dialogue_id, version) -> Minutes:
    """Fastställ: the draft becomes final and is never changed again."""
    dialogue, minutes = get_version(actor, dialogue_id, version)
    if minutes.status == MinutesStatus.FINAL:
        raise Conflict(_("Den här versionen är redan fastställd."))
    latest = latest_minutes(dialogue)
    if latest.id != minutes.id:  # pragma: no cover - only the latest can be a draft
        raise Conflict(_("Bara den senaste versionen kan fastställas."))
    minutes.status = MinutesStatus.FINAL
    minutes.finalized_at = utcnow()
    audit.record("minutes.finalized", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version)
    db.session.flush()
    return minutes


def start_correction(actor, dialogue_id, payload) -> Minutes:
    """A correction after the minutes were fastställda: the next version, as a draft compiled
    anew from the data as it is now, with a note saying what is corrected. The earlier
    versions stay as they were."""
    dialogue = _minutes_dialogue(actor, dialogue_id)
    latest = latest_minutes(dialogue)
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
    db.session.flush()
    return minutes
