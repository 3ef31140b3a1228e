"""The minutes exported: JSON (the stored content), CSV of the follow-up items, and PDF."""

import csv
import io
import json

from flask_babel import gettext as _
from flask_babel import ngettext

from ..dialogues.models import Dialogue
from .compiling import iso
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
        "finalized_at": iso(minutes.finalized_at), "content": minutes.content,
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
