"""The minutes' exports: CSV for Swedish Excel, JSON, PDF; all right with å, ä and ö."""

import csv
import io
import json
import re

import pytest
from helpers_minutes import ANSWERED, FOLLOWUP_1, FOLLOWUP_2, NAME, TITLE, build_meeting
from pypdf import PdfReader

from facilitator.accounts.models import User
from facilitator.core import uow
from facilitator.dialogues.models import Dialogue
from facilitator.extensions import db
from facilitator.followups import commands


@pytest.fixture
def closed(app, client, auth, make_user):
    fac = make_user("fac@ivo.se", "Fia Facilitator")
    built = build_meeting(db.session, [fac])
    # A cell that a spreadsheet would take for a formula.
    commands.create_item(db.session.get(User, fac.id), built.dialogue_id, {
        "title": "=SUMMA(A1:A9)", "owner": "ivo", "responsible_role": "Förvaltningschef; stab",
        "agreement": "shared", "status": "proposed"})
    uow.commit()
    auth.login("fac@ivo.se")
    assert client.post(f"/dialoger/{built.dialogue_id}/stang").status_code == 302
    built.base = f"/dialoger/{built.dialogue_id}/protokoll/v1"
    built.code = db.session.get(Dialogue, built.dialogue_id).join_code.lower()
    return built


def test_csv_of_the_follow_up_items_for_swedish_excel(client, closed):
    response = client.get(f"{closed.base}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f'filename="uppfoljning-{closed.code}-v1.csv"' in disposition
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, *items = rows
    assert header == ["Nr", "Åtgärd", "Beskrivning", "Ansvarig part", "Ansvarig roll",
                      "Klart senast", "Samsyn", "IVO:s syn", "Nämndens syn", "Status"]
    by_title = {row[1]: row for row in items}
    first = by_title[FOLLOWUP_1]
    assert first[3].startswith("Socialnämnden i Gnesta kommun")
    assert first[4] == "Enhetschef barn och unga" and first[5] == "2027-06-30"
    assert first[6] == "IVO och nämnden är överens" and first[9] == "Överenskommen"
    second = by_title[FOLLOWUP_2]
    assert second[3] == "IVO" and second[8] == "Nämnden önskar ett kvartal."
    assert second[6] == "IVO och nämnden ser olika på saken" and second[9] == "Föreslagen"
    # A `;` inside a cell stays in the cell; a formula is defused.
    assert by_title["'=SUMMA(A1:A9)"][4] == "Förvaltningschef; stab"
    assert len(items) == 3


def test_json_has_the_content_and_the_version(client, closed):
    response = client.get(f"{closed.base}.json")
    assert response.status_code == 200
    assert f'filename="protokoll-{closed.code}-v1.json"' in response.headers["Content-Disposition"]
    assert "Återföringsdialog".encode() in response.data  # UTF-8, not \\u escapes
    body = json.loads(response.data.decode("utf-8"))
    assert body["version"] == 1 and body["status"] == "draft"
    assert body["dialogue_id"] == closed.dialogue_id
    content = body["content"]
    assert content["dialogue"]["title"] == TITLE
    assert [q["text"] for q in content["questions"]["answered"]] == [ANSWERED]
    assert FOLLOWUP_1 in [f["title"] for f in content["followups"]]


def test_pdf_has_the_follow_up_items_in_swedish(client, closed):
    response = client.get(f"{closed.base}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="protokoll-{closed.code}-v1.pdf"' in response.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    # Narrow cells wrap and hyphenate (Swedish rules), so compare without spaces and hyphens.
    squashed = re.sub(r"[\s\-\u00ad\u2010]+", "", text)
    for expected in (TITLE, "Närvaro", "Dagordning", "Uppföljningspunkter", "Förhandsbedömningar",
                     "Överenskommen", "Nyköping", "Vi delar inte bilden", "Utkast", "Samsyn",
                     FOLLOWUP_1, FOLLOWUP_2, "Enhetschef barn och unga"):
        assert re.sub(r"[\s\-]+", "", expected) in squashed, expected
    assert NAME not in flat
