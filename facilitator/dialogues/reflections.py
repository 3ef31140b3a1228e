"""A dialogue's reflections: written in Markdown, in order, possibly started from an earlier
dialogue's reflection; a substantive change after publishing is audited."""

from flask_babel import gettext as _

from ..audit import services as audit
from ..core.payloads import validated
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..themes import services as theme_services
from .access import can_manage, list_dialogues, managed_dialogue
from .forms import ReflectionForm
from .models import Dialogue, DialogueStatus, Reflection, ReflectionKind
from .parts import content_changed, move_part, renumber, require_preparable

#: Reflection fields whose change after publishing is written to the audit log.
SUBSTANTIVE_FIELDS = ("kind", "title", "body_md", "legal_basis", "evidence")


def _reflection(dialogue: Dialogue, reflection_id) -> Reflection:
    for reflection in dialogue.reflections:
        if str(reflection.id) == str(reflection_id):
            return reflection
    raise NotFound(_("Reflektionen finns inte i den här dialogen."))


def reflection_form_kwargs(dialogue: Dialogue) -> dict:
    # A theme taken out of use stays choosable where a reflection here already carries it.
    kept = {t.id for r in dialogue.reflections for t in r.themes}
    return {"organization_choices": [(o.id, o.name) for o in dialogue.organizations],
            "theme_choices": theme_services.choices(kept)}


def _apply_reflection(dialogue: Dialogue, reflection: Reflection, form: ReflectionForm) -> None:
    reflection.kind = ReflectionKind(form.kind.data)
    reflection.title = form.title.data.strip()
    reflection.body_md = (form.body_md.data or "").strip()
    reflection.legal_basis = (form.legal_basis.data or "").strip()
    reflection.evidence = (form.evidence.data or "").strip()
    chosen = set(form.organization_ids.data or [])
    reflection.applies_to_all = bool(form.applies_to_all.data)
    reflection.organizations = (
        [] if reflection.applies_to_all
        else [o for o in dialogue.organizations if o.id in chosen]
    )
    reflection.themes = theme_services.by_ids(form.theme_ids.data)


def _origin(actor, dialogue: Dialogue, origin_id) -> Reflection | None:
    """The earlier reflection a new one starts from: in another dialogue `actor` may read."""
    if not origin_id:
        return None
    origin = db.session.get(Reflection, origin_id)
    if origin is None or origin.dialogue_id == dialogue.id or not can_manage(actor,
                                                                            origin.dialogue):
        message = _("Den tidigare reflektionen finns inte, eller hör till en dialog du inte "
                    "kan se.")
        raise ValidationFailed(message, errors={"origin_id": [message]})
    return origin


def get_origin(actor, dialogue_id, origin_id) -> Reflection | None:
    """The earlier reflection named by a form being filled in, or None when it is not one
    `actor` may read (the form's own validation then says why)."""
    dialogue = managed_dialogue(actor, dialogue_id)
    try:
        return _origin(actor, dialogue, int(origin_id))
    except (TypeError, ValueError, ValidationFailed):
        return None


def earlier_reflections(actor, dialogue_id) -> list[dict]:
    """Reflections in the other dialogues `actor` may read, to start a new one from: the
    dialogues that share a board with this one first, then the newest first."""
    dialogue = managed_dialogue(actor, dialogue_id)
    boards = {o.id for o in dialogue.organizations}
    others = [d for d in list_dialogues(actor) if d.id != dialogue.id and d.reflections]
    others.sort(key=lambda d: (not boards & {o.id for o in d.organizations},
                               -(d.starts_at or d.created_at).timestamp()))
    return [{"dialogue": d, "reflections": d.reflections} for d in others]


def reflection_copy_data(actor, dialogue_id, origin_id) -> dict:
    """The new-reflection form filled from an earlier reflection: text, legal basis,
    evidence and themes copied, the link to it kept."""
    dialogue = managed_dialogue(actor, dialogue_id)
    try:
        origin = _origin(actor, dialogue, int(origin_id))
    except (TypeError, ValueError, ValidationFailed):
        origin = None
    if origin is None:
        raise NotFound(_("Den tidigare reflektionen finns inte, eller hör till en dialog du "
                         "inte kan se."))
    data = reflection_form_data(origin)
    data.update(applies_to_all=True, organization_ids=[], origin_id=origin.id,
                theme_ids=[t.id for t in origin.themes if t.active])
    return data


def _snapshot(reflection: Reflection) -> dict:
    return {name: str(getattr(reflection, name) or "") for name in SUBSTANTIVE_FIELDS}


def create_reflection(actor, dialogue_id, payload) -> Reflection:
    """A new reflection, last in order."""
    dialogue = managed_dialogue(actor, dialogue_id)
    require_preparable(dialogue)
    form = validated(ReflectionForm, payload, **reflection_form_kwargs(dialogue))
    origin = _origin(actor, dialogue, form.origin_id.data)
    reflection = Reflection(dialogue=dialogue,
                            position=max((r.position for r in dialogue.reflections), default=-1)
                            + 1, origin=origin)
    _apply_reflection(dialogue, reflection, form)
    db.session.add(reflection)
    db.session.flush()
    if dialogue.status != DialogueStatus.DRAFT:
        audit.record("reflection.added", dialogue=dialogue, user=actor, subject=reflection,
                     after=_snapshot(reflection))
    content_changed(dialogue)
    return reflection


def update_reflection(actor, dialogue_id, reflection_id, payload) -> Reflection:
    """Change a reflection; a substantive change after publishing is audited."""
    dialogue = managed_dialogue(actor, dialogue_id)
    reflection = _reflection(dialogue, reflection_id)
    require_preparable(dialogue)
    form = validated(ReflectionForm, payload, **reflection_form_kwargs(dialogue))
    before = _snapshot(reflection)
    _apply_reflection(dialogue, reflection, form)
    after = _snapshot(reflection)
    changed = [name for name in SUBSTANTIVE_FIELDS if before[name] != after[name]]
    if changed and dialogue.status != DialogueStatus.DRAFT:
        audit.record(
            "reflection.edited", dialogue=dialogue, user=actor, subject=reflection,
            changed=changed,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    content_changed(dialogue)
    return reflection


def delete_reflection(actor, dialogue_id, reflection_id) -> None:
    """Remove a reflection; only while the dialogue is a draft."""
    dialogue = managed_dialogue(actor, dialogue_id)
    reflection = _reflection(dialogue, reflection_id)
    if dialogue.status != DialogueStatus.DRAFT:
        raise Conflict(_("Reflektioner kan bara tas bort medan dialogen är ett utkast. "
                         "Redigera reflektionen i stället."))
    dialogue.reflections.remove(reflection)
    renumber(dialogue.reflections)
    db.session.flush()


def move_reflection(actor, dialogue_id, reflection_id, direction) -> Reflection:
    """Move a reflection one step "up" or "down" (nothing happens at either end)."""
    return move_part(actor, dialogue_id, _reflection, "reflections", reflection_id, direction)


def reflection_form_data(reflection: Reflection) -> dict:
    return {
        "kind": reflection.kind.value, "title": reflection.title, "body_md": reflection.body_md,
        "legal_basis": reflection.legal_basis, "evidence": reflection.evidence,
        "applies_to_all": reflection.applies_to_all,
        "organization_ids": [o.id for o in reflection.organizations],
        "theme_ids": [t.id for t in reflection.themes],
    }


def get_reflection(actor, dialogue_id, reflection_id) -> Reflection:
    """One reflection of a dialogue `actor` manages."""
    return _reflection(managed_dialogue(actor, dialogue_id), reflection_id)


def list_reflections(actor, dialogue_id) -> list[Reflection]:
    """The reflections of a dialogue `actor` manages, in order."""
    return list(managed_dialogue(actor, dialogue_id).reflections)
