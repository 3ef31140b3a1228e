"""The minutes exported: JSON (the stored content), CSV of the follow-up items, and a tagged
PDF rendered from the page's template."""

import csv
import io
import json

from flask import url_for
from flask_babel import gettext as _

from ..core.documents import csv_safe, render_pdf
from ..core.glossary import TERMS
from ..dialogues.models import Dialogue
from .compiling import iso, protected
from .models import Minutes, MinutesStatus
from .presentation import group_label, present
from .versions import get_version

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
        "note": minutes.note, "created_at": iso(minutes.created_at),
        "finalized_at": iso(minutes.finalized_at), "content": protected(minutes.content),
    }
    data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
    return data, filename(dialogue, minutes, "json")


def followups_csv_rows(minutes: Minutes) -> list[list[str]]:
    view = present(minutes)
    header = [_("Nr"), _("Åtgärd"), _("Beskrivning"), *(str(TERMS[key]) for key in (
        "owner", "responsible_role", "due_date", "stance")), _("IVO:s syn"), _("Nämndens syn"),
        _("Status")]
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
        writer.writerow([csv_safe(cell) for cell in row])
    name = filename(dialogue, minutes, "csv").replace("protokoll-", "uppfoljning-", 1)
    return out.getvalue().encode("utf-8-sig"), name


def export_pdf(actor, dialogue_id, version) -> tuple[bytes, str]:
    """The version as a tagged PDF (PDF/UA-1), rendered from the page's own template."""
    dialogue, minutes = get_version(actor, dialogue_id, version)
    view = present(minutes)
    title = _("Protokoll: %(title)s", title=view["title"]) + " – " + _(
        "version %(n)d", n=view["version"])
    data = render_pdf(
        "minutes/document.html", title=title, dialogue=dialogue, minutes=minutes, m=view,
        is_draft=minutes.status == MinutesStatus.DRAFT, group_label=group_label,
        page_url=url_for("minutes.show", dialogue_id=dialogue.id, version=minutes.version,
                         _external=True),
    )
    return data, filename(dialogue, minutes, "pdf")
