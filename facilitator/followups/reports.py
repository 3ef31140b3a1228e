"""A board's redovisning to IVO (PDF, DOCX): the items it owns in one dialogue, what was done
and the evidence."""

import io
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..core.clock import LOCAL_TZ, as_aware_utc, today_local
from ..dialogues.access import get_dialogue, managed_dialogue
from ..dialogues.models import Dialogue
from ..errors import NotFound
from ..extensions import db
from ..organizations.models import Organization
from .commands import event_author, status_label
from .forms import AGREEMENT_LABELS
from .models import FollowUpItem
from .queries import ordered
from .reviewers import as_reviewer

# --- redovisning (PDF, DOCX) -----------------------------------------------------------


def _report_scope(actor, dialogue_id, organization_id) -> tuple[Dialogue, Organization, list]:
    reviewer = as_reviewer(actor)
    if reviewer is None:
        dialogue = managed_dialogue(actor, dialogue_id)
    else:
        dialogue = get_dialogue(dialogue_id if dialogue_id is not None else reviewer.dialogue_id)
        if reviewer.dialogue_id is not None and reviewer.dialogue_id != dialogue.id:
            raise NotFound(_("Dialogen finns inte."))
        organization_id = reviewer.organization_id
    try:
        organization = db.session.get(Organization, int(organization_id))
    except (TypeError, ValueError):
        organization = None
    if organization is None or organization not in dialogue.organizations:
        raise NotFound(_("Nämnden är inte med i den här dialogen."))
    items = list(db.session.scalars(ordered(select(FollowUpItem).where(
        FollowUpItem.dialogue_id == dialogue.id,
        FollowUpItem.organization_id == organization.id))))
    return dialogue, organization, items


def _fmt_date(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = as_aware_utc(value).astimezone(LOCAL_TZ).date()
    return value.isoformat()


def _report_items(items) -> list[dict]:
    """What both documents print for each item."""
    out = []
    for item in items:
        done = [(e.created_at, event_author(e), e.comment, e.kind, e.to_status)
                for e in item.events if e.comment and e.kind in ("status", "comment",
                                                                 "evidence")]
        evidence = []
        for ev in item.evidence:
            parts = [p for p in (ev.filename, ev.url, ev.text) if p]
            evidence.append(" – ".join(parts))
        out.append({
            "title": item.title, "description": item.description,
            "status": status_label(item.status), "reason": item.status_reason,
            "role": item.responsible_role, "due": _fmt_date(item.due_date),
            "agreement": str(AGREEMENT_LABELS[item.agreement]),
            "ivo_position": item.ivo_position, "board_position": item.board_position,
            "created": _fmt_date(item.created_at), "updated": _fmt_date(item.updated_at),
            "done": [(_fmt_date(at), who, text, status_label(to) if kind == "status" and to
                      else None) for at, who, text, kind, to in done],
            "evidence": evidence,
        })
    return out


def redovisning_pdf(actor, dialogue_id, organization_id=None) -> tuple[bytes, str]:
    """"Redovisning av vidtagna åtgärder" for one board and dialogue, as PDF, and a file name."""
    from ..core.pdf import Document

    dialogue, organization, items = _report_scope(actor, dialogue_id, organization_id)
    title = _("Redovisning av vidtagna åtgärder")
    doc = Document(title, f"{organization.short_name} · {dialogue.title}")
    doc.alias_nb_pages()
    doc.heading(title)
    doc.field(_("Nämnd"), organization.name)
    doc.field(_("Dialog"), dialogue.title)
    doc.field(_("Mötesdatum"), _fmt_date(dialogue.starts_at))
    doc.field(_("Utskriven"), today_local().isoformat())
    if not items:
        doc.paragraph(_("Nämnden har inga uppföljningspunkter i den här dialogen."))
    for number, row in enumerate(_report_items(items), start=1):
        doc.heading(f"{number}. {row['title']}", 2)
        if row["description"]:
            doc.paragraph(row["description"])
        doc.field(_("Status"), row["status"])
        if row["reason"]:
            doc.field(_("Skäl"), row["reason"])
        doc.field(_("Ansvarig roll"), row["role"])
        doc.field(_("Klart senast"), row["due"])
        doc.field(_("Samsyn"), row["agreement"])
        if row["ivo_position"] or row["board_position"]:
            doc.field(_("IVO:s syn"), row["ivo_position"])
            doc.field(_("Nämndens syn"), row["board_position"])
        doc.field(_("Skapad"), row["created"])
        doc.field(_("Senast ändrad"), row["updated"])
        doc.heading(_("Vad har gjorts"), 3)
        if not row["done"]:
            doc.paragraph(_("Inget redovisat ännu."))
        for at, who, text, to in row["done"]:
            prefix = f"{at} · {who}" + (f" · {_('ny status')}: {to}" if to else "")
            doc.paragraph(prefix, size=9, bold=True)
            doc.paragraph(text)
        doc.heading(_("Underlag"), 3)
        if not row["evidence"]:
            doc.paragraph(_("Inget underlag."))
        for line in row["evidence"]:
            doc.paragraph(f"• {line}")
    return doc.output_bytes(), _report_name(organization, dialogue, "pdf")


def redovisning_docx(actor, dialogue_id, organization_id=None) -> tuple[bytes, str]:
    """The same redovisning as a Word document (DOCX)."""
    from docx import Document as WordDocument

    dialogue, organization, items = _report_scope(actor, dialogue_id, organization_id)
    title = _("Redovisning av vidtagna åtgärder")
    doc = WordDocument()
    doc.core_properties.title = title
    doc.add_heading(title, level=0)
    for label, value in ((_("Nämnd"), organization.name), (_("Dialog"), dialogue.title),
                         (_("Mötesdatum"), _fmt_date(dialogue.starts_at)),
                         (_("Utskriven"), today_local().isoformat())):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    if not items:
        doc.add_paragraph(_("Nämnden har inga uppföljningspunkter i den här dialogen."))
    for number, row in enumerate(_report_items(items), start=1):
        doc.add_heading(f"{number}. {row['title']}", level=1)
        if row["description"]:
            doc.add_paragraph(row["description"])
        fields = [(_("Status"), row["status"])]
        if row["reason"]:
            fields.append((_("Skäl"), row["reason"]))
        fields += [(_("Ansvarig roll"), row["role"] or "–"), (_("Klart senast"), row["due"]),
                   (_("Samsyn"), row["agreement"])]
        if row["ivo_position"] or row["board_position"]:
            fields += [(_("IVO:s syn"), row["ivo_position"]),
                       (_("Nämndens syn"), row["board_position"])]
        fields += [(_("Skapad"), row["created"]), (_("Senast ändrad"), row["updated"])]
        for label, value in fields:
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(value)
        doc.add_heading(_("Vad har gjorts"), level=2)
        if not row["done"]:
            doc.add_paragraph(_("Inget redovisat ännu."))
        for at, who, text, to in row["done"]:
            p = doc.add_paragraph()
            p.add_run(f"{at} · {who}" + (f" · {_('ny status')}: {to}" if to else "")).bold = True
            doc.add_paragraph(text)
        doc.add_heading(_("Underlag"), level=2)
        if not row["evidence"]:
            doc.add_paragraph(_("Inget underlag."))
        for line in row["evidence"]:
            doc.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue(), _report_name(organization, dialogue, "docx")


def _report_name(organization: Organization, dialogue: Dialogue, ext: str) -> str:
    return f"Redovisning {organization.short_name} {_fmt_date(dialogue.starts_at)}.{ext}"
