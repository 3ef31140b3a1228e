"""A board's redovisning to IVO: one report structure (`build_report`) that the page, the
tagged PDF (from the same template) and the DOCX (with Word's own heading, list and table
styles) all present, so the three never drift apart."""

import io
from datetime import date, datetime

from docx import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.clock import LOCAL_TZ, as_aware_utc, today_local
from ..core.documents import render_pdf
from ..core.glossary import TERMS, iso_date, long_date
from ..dialogues.access import get_dialogue, managed_dialogue
from ..dialogues.models import Dialogue
from ..errors import NotFound
from ..extensions import db
from ..organizations.models import Organization
from .commands import event_author, status_label
from .models import AGREEMENT_LABELS, Agreement, FollowUpItem
from .queries import ordered
from .reviewers import as_reviewer

#: Extra parts a report can carry (the decision's required deficiencies, its versions):
#: callables `(dialogue, organization, report) -> None` registered by other modules.
EXTENSIONS: list = []


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


def local_date(value) -> date | None:
    """A stored UTC time (or a date) as the date in Europe/Stockholm."""
    if isinstance(value, datetime):
        return as_aware_utc(value).astimezone(LOCAL_TZ).date()
    return value


_iso_date = iso_date


def agreement_label(agreement) -> str:
    """The label under the heading "Samsyn"."""
    return str(AGREEMENT_LABELS[Agreement(agreement)])


def _report_items(items) -> list[dict]:
    """What the report says about each follow-up item."""
    out = []
    for number, item in enumerate(items, start=1):
        done = [{"date": long_date(e.created_at), "who": event_author(e), "text": e.comment,
                 "status": status_label(e.to_status) if e.kind == "status" and e.to_status
                 else ""}
                for e in item.events
                if e.comment and e.kind in ("status", "comment", "evidence")]
        evidence = [" – ".join(p for p in (ev.filename, ev.url, ev.text) if p)
                    for ev in item.evidence]
        out.append({
            "id": item.id, "number": number, "title": item.title,
            "description": item.description or "",
            "status": status_label(item.status), "reason": item.status_reason or "",
            "role": item.responsible_role or "–", "due": long_date(item.due_date),
            "agreement": agreement_label(item.agreement),
            "ivo_position": item.ivo_position or "", "board_position": item.board_position or "",
            "created": long_date(item.created_at), "updated": long_date(item.updated_at),
            "done": done, "evidence": evidence,
        })
    return out


def build_report(actor, dialogue_id, organization_id=None) -> dict:
    """Everything a board's redovisning says, as plain data for the page, PDF and DOCX."""
    dialogue, organization, items = _report_scope(actor, dialogue_id, organization_id)
    report = {
        "title": _("Redovisning av vidtagna åtgärder"),
        "dialogue_id": dialogue.id, "organization_id": organization.id,
        "board": organization.name, "board_short": organization.short_name,
        "dialogue": dialogue.title, "meeting_date": long_date(dialogue.starts_at),
        "meeting_iso": _iso_date(dialogue.starts_at), "printed": long_date(today_local()),
        "decision": None, "items": _report_items(items),
    }
    for extend in EXTENSIONS:
        extend(dialogue, organization, report)
    return report


def _report_name(report: dict, ext: str) -> str:
    return f"Redovisning {report['board_short']} {report['meeting_iso']}.{ext}"


def redovisning_pdf(actor, dialogue_id, organization_id=None) -> tuple[bytes, str]:
    """The redovisning as a tagged PDF, rendered from the page's template."""
    report = build_report(actor, dialogue_id, organization_id)
    data = render_pdf("followups/report_document.html",
                      title=f"{report['title']} – {report['board']}", r=report)
    return data, _report_name(report, "pdf")


def _docx_table(doc, header: list[str], rows: list[list[str]]):
    """A table with Word's "Table Grid" style and a header row repeated on every page."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    head = table.rows[0]
    properties = head._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
    for cell, text in zip(head.cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def redovisning_docx(actor, dialogue_id, organization_id=None) -> tuple[bytes, str]:
    """The same redovisning as a Word document that boards edit: Word's Title and Heading
    styles (so the navigation pane and screen readers see the structure), List Bullet for
    lists and tables with a marked header row."""
    r = build_report(actor, dialogue_id, organization_id)
    doc = WordDocument()
    doc.core_properties.title = f"{r['title']} – {r['board']}"
    doc.core_properties.language = "sv-SE"
    doc.core_properties.author = _("Återföring")
    doc.add_heading(r["title"], level=0)
    _docx_table(doc, [_("Uppgift"), _("Värde")], [
        [_("Nämnd"), r["board"]], [_("Dialog"), r["dialogue"]],
        [_("Mötesdatum"), r["meeting_date"]], [_("Utskriven"), r["printed"]],
    ])
    decision = r["decision"]
    if decision:
        doc.add_heading(_("IVO:s beslut"), level=1)
        _docx_table(doc, [_("Uppgift"), _("Värde")], [
            [_("Beslutsdatum"), decision["decided_on"]],
            [str(TERMS["case_number"]), decision["case_number"]],
            [_("Redovisas senast"), decision["deadline"]],
        ])
        doc.add_heading(_("Åtgärder för bristerna i beslutet"), level=1)
        for req in decision["requirements"]:
            doc.add_heading(req["title"], level=2)
            if req["legal_basis"]:
                doc.add_paragraph(f"{TERMS['legal_basis']}: {req['legal_basis']}")
            if not req["measures"]:
                doc.add_paragraph(_("Ingen åtgärd redovisad ännu."))
                continue
            _docx_table(doc, [_("Åtgärd"), _("Vidtagen eller planerad"), _("Tidplan"),
                              str(TERMS["responsible_role"]), _("Status")],
                        [[m["text"], m["kind"], m["timetable"], m["role"], m["status"]]
                         for m in req["measures"]])
            for m in req["measures"]:
                for line in m["evidence"]:
                    doc.add_paragraph(line, style="List Bullet")
    if decision or r["items"]:
        doc.add_heading(_("Uppföljningspunkter"), level=1)
    if not r["items"]:
        doc.add_paragraph(_("Nämnden har inga uppföljningspunkter i den här dialogen."))
    for row in r["items"]:
        doc.add_heading(f"{row['number']}. {row['title']}", level=2)
        if row["description"]:
            doc.add_paragraph(row["description"])
        fields = [[_("Status"), row["status"]]]
        if row["reason"]:
            fields.append([_("Skäl"), row["reason"]])
        fields += [[str(TERMS["responsible_role"]), row["role"]],
                   [str(TERMS["due_date"]), row["due"]],
                   [str(TERMS["stance"]), row["agreement"]]]
        if row["ivo_position"] or row["board_position"]:
            fields += [[_("IVO:s syn"), row["ivo_position"]],
                       [_("Nämndens syn"), row["board_position"]]]
        fields += [[_("Skapad"), row["created"]], [_("Senast ändrad"), row["updated"]]]
        _docx_table(doc, [_("Uppgift"), _("Värde")], fields)
        doc.add_heading(_("Vad har gjorts"), level=3)
        if not row["done"]:
            doc.add_paragraph(_("Inget redovisat ännu."))
        for entry in row["done"]:
            line = f"{entry['date']} · {entry['who']}"
            if entry["status"]:
                line += f" · {_('ny status')}: {entry['status']}"
            doc.add_paragraph(f"{line}: {entry['text']}", style="List Bullet")
        doc.add_heading(str(TERMS["evidence"]), level=3)
        if not row["evidence"]:
            doc.add_paragraph(_("Inget underlag."))
        for line in row["evidence"]:
            doc.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue(), _report_name(r, "docx")
