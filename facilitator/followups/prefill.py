"""What a follow-up item can be made from (a reflection, a question, a disagreement), and the
new-item form's choices and starting values."""

from flask_babel import gettext as _
from sqlalchemy import select

from ..contributions.models import Contribution, ContributionKind, ContributionStatus
from ..dialogues.access import managed_dialogue
from ..dialogues.models import Dialogue, Reflection
from ..errors import ValidationFailed
from ..extensions import db
from .forms import IVO_OWNER
from .models import Agreement, FollowUpItem, FollowUpStatus, SourceKind
from .reviewers import facilitator_only

#: Ids are 32-bit in every database we run on.
MAX_ID = 2147483647

# --- forms' choices and prefill ------------------------------------------------------


def owner_choices(dialogue: Dialogue) -> list[tuple[str, str]]:
    return [(str(org.id), org.name) for org in dialogue.organizations] + [
        (IVO_OWNER, _("IVO (Inspektionen för vård och omsorg)"))
    ]


def form_kwargs(actor, dialogue_id) -> dict:
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    return {"owner_choices": owner_choices(dialogue)}


def resolve_source(dialogue: Dialogue, value: str | None):
    """(kind, object) for "reflection:12" / "question:7" / "disagreement:9" in this dialogue."""
    if not value:
        return None, None
    kind, _sep, raw = value.partition(":")
    try:
        kind, source_id = SourceKind(kind), int(raw)
        if not 0 < source_id <= MAX_ID:  # beyond what the databases hold: no such source
            raise ValueError(raw)
    except ValueError:
        raise ValidationFailed(
            _("Källan finns inte i den här dialogen."),
            errors={"title": [_("Källan finns inte i den här dialogen.")]}) from None
    obj = None
    if kind == SourceKind.REFLECTION:
        obj = db.session.get(Reflection, source_id)
    else:
        obj = db.session.get(Contribution, source_id)
        if obj is not None and (obj.kind.value != kind.value or obj.personal_data_flag):
            obj = None
    if obj is None or obj.dialogue_id != dialogue.id:
        raise ValidationFailed(_("Källan finns inte i den här dialogen."),
                               errors={"title": [_("Källan finns inte i den här dialogen.")]})
    return kind, obj


def source_label(item: FollowUpItem) -> str | None:
    if item.source_kind is None:
        return None
    if item.source_kind == SourceKind.REFLECTION:
        obj = db.session.get(Reflection, item.source_id)
        return _("Reflektion: %(title)s", title=obj.title) if obj else _("Reflektion (borttagen)")
    obj = db.session.get(Contribution, item.source_id)
    text = obj.text if obj and not obj.personal_data_flag else "…"
    if item.source_kind == SourceKind.QUESTION:
        return _("Fråga: %(text)s", text=text)
    return _("Invändning: %(text)s", text=text)


def sources(actor, dialogue_id) -> dict:
    """What can be turned into a follow-up item: reflections, questions and disagreements."""
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    contributions = list(db.session.scalars(
        select(Contribution).where(
            Contribution.dialogue_id == dialogue.id,
            Contribution.kind.in_((ContributionKind.QUESTION, ContributionKind.DISAGREEMENT)),
            Contribution.status != ContributionStatus.HIDDEN,
            Contribution.merged_into_id.is_(None),
            Contribution.personal_data_flag.is_(False),
        ).order_by(Contribution.created_at, Contribution.id)
    ))
    return {"dialogue": dialogue, "reflections": list(dialogue.reflections),
            "questions": [c for c in contributions if c.kind == ContributionKind.QUESTION],
            "disagreements": [c for c in contributions
                              if c.kind == ContributionKind.DISAGREEMENT]}


def new_item_data(actor, dialogue_id, source: str | None) -> dict:
    """The new-item form's starting values, filled from its source when there is one."""
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    data = {"agreement": Agreement.SHARED.value, "status": FollowUpStatus.AGREED.value}
    try:
        kind, obj = resolve_source(dialogue, source)
    except ValidationFailed:
        kind, obj = None, None
    if obj is None:
        return data
    data["source"] = f"{kind.value}:{obj.id}"
    if kind == SourceKind.REFLECTION:
        data["title"] = obj.title[:300]
        data["description"] = "\n".join(x for x in (obj.evidence, obj.legal_basis) if x)
        if not obj.applies_to_all and len(obj.organizations) == 1:
            data["owner"] = str(obj.organizations[0].id)
    else:
        data["title"] = obj.text[:300]
        data["description"] = obj.text
        board = getattr(obj.participant, "organization_id", None)
        if board and any(org.id == board for org in dialogue.organizations):
            data["owner"] = str(board)
        if kind == SourceKind.DISAGREEMENT:
            data["agreement"] = Agreement.DIFFERENT.value
            data["board_position"] = obj.text
            if obj.reflection is not None:
                data["title"] = obj.reflection.title[:300]
    return data
