"""The API's outcomes: follow-up items with their history, IVO's decision, the boards'
redovisning in versions and the traces; IVO's tokens write, a board's token reads and updates
only its own items and redovisning and gets 404 for another board's; schemathesis over the new
operations with both kinds of token.

The schema is the one production gets: the migrations, run once into a file that each test
copies."""

import io
import shutil
from datetime import timedelta

import factories as make
import pytest
import schemathesis
from helpers_api import bearer, token_for
from helpers_followups import EXE, PDF, make_item, make_world, user
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from facilitator import create_app
from facilitator.api import boards
from facilitator.api.models import BoardApiToken
from facilitator.api.openapi import build_document
from facilitator.core import uow
from facilitator.core.clock import today_local
from facilitator.extensions import db, limiter
from facilitator.followups import commands
from facilitator.followups.models import FollowUpEvent
from facilitator.followups.reviewers import Reviewer
from facilitator.live import ratelimits as live_ratelimits

#: The tags of the outcome operations.
OUTCOMES = ["follow-up items", "decisions", "redovisning"]
MEASURE = {"text": "Veckovis genomgång av förhandsbedömningar", "kind": "taken",
           "timetable": "Från 1 mars, följs upp i juni", "responsible_role": "Enhetschef",
           "status": "in_progress", "evidence": "Rutin.pdf"}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A database file the migrations built, once for the module."""
    path = tmp_path_factory.mktemp("migrated") / "schema.sqlite3"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app(migrated, tmp_path):
    """The app on a copy of the migrated database (overrides conftest's create_all)."""
    path = tmp_path / "api.sqlite3"
    shutil.copy(migrated, path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        limiter.reset()
        live_ratelimits.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(app):
    """Gnesta and Nyköping in a closed dialogue, one item each, IVO's token, a token for each
    board."""
    world = make_world()
    world.gnesta_item = make_item(world, world.gnesta_id).id
    world.nykoping_item = make_item(world, world.nykoping_id, title="Nyköpings punkt").id
    world.ivo = bearer(token_for(world.facilitator))
    admin = user("ada@ivo.se", "Ada Admin", is_admin=True)
    world.gnesta = bearer(boards.create_board_token(
        admin, {"name": "Gnestas ärendesystem", "organization_id": world.gnesta_id})[1])
    world.nykoping = bearer(boards.create_board_token(
        admin, {"name": "Nyköpings skript", "organization_id": world.nykoping_id})[1])
    return world


def _decide(client, world, **changes):
    body = {"decided_on": today_local().isoformat(), "case_number": "8.5-12345/2026",
            "report_due": (today_local() + timedelta(days=30)).isoformat(),
            "requirement_ids": [world.reflection_id], **changes}
    return client.put(f"/api/v1/dialogues/{world.dialogue_id}/decision", json=body,
                      headers=world.ivo)


def test_a_boards_token_reads_and_updates_its_own_items_and_gets_404_for_anothers(client,
                                                                                   world):
    d = world.dialogue_id
    own = client.get(f"/api/v1/dialogues/{d}/followups", headers=world.gnesta)
    assert own.status_code == 200
    assert [i["id"] for i in own.json] == [world.gnesta_item]
    assert own.json[0]["owner"] == "Socialnämnden i Gnesta kommun"
    assert [i["id"] for i in client.get("/api/v1/followups", headers=world.gnesta).json] == [
        world.gnesta_item]

    mine = f"/api/v1/followups/{world.gnesta_item}"
    moved = client.post(f"{mine}/status", headers=world.gnesta,
                        json={"status": "in_progress", "comment": "Rutinen är beslutad."})
    assert moved.status_code == 200 and moved.json["status"] == "in_progress"
    comment = client.post(f"{mine}/comments", headers=world.gnesta,
                          json={"comment": "Första uppföljningen är gjord."})
    assert comment.status_code == 201
    assert comment.json["author"] == "Gnesta (via nämndens API-nyckel)"
    assert comment.json["by_ivo"] is False
    evidence = client.post(f"{mine}/evidence", headers=world.gnesta,
                           json={"text": "Rutin för förhandsbedömning",
                                 "url": "https://gnesta.example.se/rutin"})
    assert evidence.status_code == 201 and evidence.json["url"].endswith("/rutin")

    page = client.get(mine, headers=world.gnesta).json
    assert [e["kind"] for e in page["history"]] == ["created", "status", "comment", "evidence"]
    assert page["history"][1]["comment"] == "Rutinen är beslutad."
    assert page["evidence"][0]["text"] == "Rutin för förhandsbedömning"
    # the history's evidence step names the evidence it added; the other steps none
    assert [e["evidence_id"] for e in page["history"]] == [None, None, None,
                                                            evidence.json["id"]]
    assert page["allowed_statuses"] == ["done", "not_done"]  # agreeing again is IVO's
    trace = client.get(f"{mine}/trace", headers=world.gnesta)
    assert trace.status_code == 200 and trace.json["item"]["id"] == world.gnesta_item
    # IVO reads what the board wrote, as on the item page.
    assert client.get(mine, headers=world.ivo).json["history"][2]["comment"] == (
        "Första uppföljningen är gjord.")

    theirs = f"/api/v1/followups/{world.nykoping_item}"
    for method, path, json in (
            ("get", theirs, None), ("get", f"{theirs}/trace", None),
            ("get", f"{theirs}/evidence", None),
            ("post", f"{theirs}/status", {"status": "done"}),
            ("post", f"{theirs}/comments", {"comment": "Hej"}),
            ("post", f"{theirs}/evidence", {"text": "Underlag"}),
            ("put", theirs, {"title": "Kapad", "owner": str(world.gnesta_id),
                             "agreement": "shared"})):
        response = getattr(client, method)(path, headers=world.gnesta, json=json)
        assert response.status_code == 404, (method, path)
        assert response.json["error"] == "not_found"
    nykoping = client.get(theirs, headers=world.nykoping).json
    assert [e["kind"] for e in nykoping["history"]] == ["created"]  # nothing reached it

    # A dialogue the board is not in is not found either.
    other = make_world_dialogue_without(world)
    assert client.get(f"/api/v1/dialogues/{other}/followups",
                      headers=world.gnesta).status_code == 404


def _stored_file(world, item_id, content=PDF, name="Rutin.pdf") -> int:
    """Evidence with a file, as the item's page uploads it (the API takes texts and links)."""
    evidence = commands.add_evidence(Reviewer(organization_id=world.gnesta_id), item_id,
                                     {"text": "Beslutad rutin"},
                                     file=FileStorage(io.BytesIO(content), filename=name))
    uow.commit()  # the upload route commits after its service
    return evidence.id


def test_a_boards_token_reads_and_adds_evidence_of_its_own_items_only(client, world):
    mine = f"/api/v1/followups/{world.gnesta_item}"
    linked = client.post(f"{mine}/evidence", headers=world.gnesta,
                         json={"url": "https://gnesta.example.se/protokoll"})
    assert linked.status_code == 201 and linked.json["file"] is None
    # a file, sent as the item's page sends it; its type is read from its content
    uploaded = client.post(f"{mine}/evidence", headers=world.gnesta,
                           content_type="multipart/form-data",
                           data={"text": "Beslutad rutin",
                                 "file": (io.BytesIO(PDF), "Rutin.pdf")})
    assert uploaded.status_code == 201, uploaded.json
    stored = uploaded.json["id"]
    program = client.post(f"{mine}/evidence", headers=world.gnesta,
                          content_type="multipart/form-data",
                          data={"file": (io.BytesIO(EXE), "Rutin.pdf")})
    assert program.status_code == 400 and "file" in program.json["errors"]

    listed = client.get(f"{mine}/evidence", headers=world.gnesta)
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json] == [linked.json["id"], stored]
    upload = listed.json[1]
    assert upload["filename"] == "Rutin.pdf" and upload["content_type"] == "application/pdf"
    assert upload["size"] == len(PDF)
    assert upload["file"] == f"{mine}/evidence/{stored}/file"
    history = client.get(mine, headers=world.gnesta).json["history"]
    assert [e["evidence_id"] for e in history if e["kind"] == "evidence"] == [
        linked.json["id"], stored]
    assert history[-1]["author"] == "Gnesta (via nämndens API-nyckel)"

    for token in (world.gnesta, world.ivo):  # the board and IVO fetch the same bytes
        got = client.get(upload["file"], headers=token)
        assert got.status_code == 200 and got.data == PDF
        assert got.mimetype == "application/pdf"
        assert 'filename=Rutin.pdf' in got.headers["Content-Disposition"]
        assert got.headers["Cache-Control"] == "private, no-store"

    # Another board's token: neither the list nor the file; another item's path: not found.
    assert client.get(f"{mine}/evidence", headers=world.nykoping).status_code == 404
    assert client.get(upload["file"], headers=world.nykoping).status_code == 404
    other = f"/api/v1/followups/{world.nykoping_item}/evidence/{stored}/file"
    assert client.get(other, headers=world.nykoping).status_code == 404
    assert client.get(other, headers=world.ivo).status_code == 404
    text_only = f"{mine}/evidence/{linked.json['id']}/file"
    missing = client.get(text_only, headers=world.gnesta)
    assert missing.status_code == 404 and missing.json["error"] == "not_found"
    olle = bearer(token_for(world.outsider))
    assert client.get(upload["file"], headers=olle).status_code == 403


def make_world_dialogue_without(world) -> int:
    """A dialogue of the same facilitator without the world's boards, through the service."""
    dialogue, _payload = make.dialogue(world.facilitator, "Återföring Eskilstuna")
    uow.commit()  # the factory's one commit
    return dialogue.id


def test_a_boards_token_may_not_do_what_only_ivo_does(client, world):
    d = world.dialogue_id
    mine = f"/api/v1/followups/{world.gnesta_item}"
    edit = client.put(mine, headers=world.gnesta, json={
        "title": "Ny titel", "owner": str(world.gnesta_id), "agreement": "shared"})
    assert edit.status_code == 403 and "Bara IVO" in edit.json["message"]
    create = client.post(f"/api/v1/dialogues/{d}/followups", headers=world.gnesta,
                         json={"title": "Ny", "owner": "ivo", "agreement": "shared"})
    assert create.status_code == 403
    assert _decide(client, world).status_code == 200
    assert client.put(f"/api/v1/dialogues/{d}/decision", headers=world.gnesta,
                      json={}).status_code == 403
    # Operations that are not the board's own outcomes refuse its token outright.
    for path in ("/api/v1/dialogues", f"/api/v1/dialogues/{d}", "/api/v1/organizations",
                 f"/api/v1/dialogues/{d}/decision",
                 f"/api/v1/dialogues/{d}/reflections/{world.reflection_id}/trace"):
        response = client.get(path, headers=world.gnesta)
        assert response.status_code == 403, path
        assert "nämndens egna" in response.json["message"]
    # A board's status steps stop where agreeing with IVO begins.
    proposed = make_item(world, world.gnesta_id, title="Föreslagen", status="proposed").id
    refused = client.post(f"/api/v1/followups/{proposed}/status", headers=world.gnesta,
                          json={"status": "in_progress"})
    assert refused.status_code == 400
    assert "behöver komma överens" in refused.json["errors"]["status"][0]


def test_ivo_creates_edits_and_moves_items(client, world):
    d = world.dialogue_id
    created = client.post(f"/api/v1/dialogues/{d}/followups", headers=world.ivo, json={
        "title": "Utbilda i BBIC", "owner": str(world.nykoping_id), "agreement": "different",
        "ivo_position": "Utbildning behövs.", "board_position": "Redan genomförd.",
        "due_date": "2027-06-30", "responsible_role": "Verksamhetschef",
        "source": f"reflection:{world.reflection_id}"})
    assert created.status_code == 201, created.json
    item = created.json
    assert created.headers["Location"].endswith(f"/api/v1/followups/{item['id']}")
    assert item["due_date"] == "2027-06-30" and item["status"] == "agreed"
    assert item["source_kind"] == "reflection" and item["organization_id"] == world.nykoping_id
    updated = client.put(created.headers["Location"], headers=world.ivo, json={
        "title": "Utbilda i BBIC", "owner": "ivo", "agreement": "shared"})
    assert updated.status_code == 200
    assert updated.json["organization_id"] is None and updated.json["owner"] == "IVO"
    assert updated.json["due_date"] is None and updated.json["board_position"] == ""
    done = client.post(f"{created.headers['Location']}/status", headers=world.ivo,
                       json={"status": "not_done", "reason": "Ersatt av ny rutin."})
    assert done.status_code == 200 and done.json["status_reason"] == "Ersatt av ny rutin."
    history = client.get(created.headers["Location"], headers=world.ivo).json["history"]
    assert [e["kind"] for e in history] == ["created", "edited", "status"]
    assert history[1]["changes"]["organization_id"] == [world.nykoping_id, None]
    assert history[2]["author"] == "Sara Samordnare, IVO"
    listed = client.get(f"/api/v1/dialogues/{d}/followups", headers=world.ivo).json
    assert {i["id"] for i in listed} == {world.gnesta_item, world.nykoping_item, item["id"]}
    # Another facilitator's token: the dialogue is not theirs.
    olle = bearer(token_for(world.outsider))
    assert client.get(f"/api/v1/dialogues/{d}/followups", headers=olle).status_code == 403
    assert client.get(f"/api/v1/followups/{item['id']}", headers=olle).status_code == 403
    # IVO's token has no board of its own to list.
    assert client.get("/api/v1/followups", headers=world.ivo).status_code == 403


def test_validation_errors_are_in_swedish_and_store_nothing(client, world):
    d = world.dialogue_id
    mine = f"/api/v1/followups/{world.gnesta_item}"
    missing = client.post(f"/api/v1/dialogues/{d}/followups", headers=world.ivo,
                          json={"owner": "ivo", "agreement": "different"})
    assert missing.status_code == 400
    assert missing.json["message"] == "Kontrollera uppgifterna i formuläret."
    assert missing.json["errors"]["ivo_position"] == ["Skriv IVO:s syn när ni ser olika på saken."]
    assert "title" in missing.json["errors"]
    reason = client.post(f"{mine}/status", headers=world.gnesta, json={"status": "not_done"})
    assert reason.status_code == 400
    assert reason.json["errors"]["reason"] == ["Skriv varför åtgärden inte blev genomförd."]
    link = client.post(f"{mine}/evidence", headers=world.gnesta, json={"url": "ftp://x"})
    assert link.json["errors"]["url"] == ["Länken ska börja med https:// eller http://."]
    empty = client.post(f"{mine}/evidence", headers=world.gnesta, json={})
    assert empty.json["errors"]["text"] == [
        "Skriv en beskrivning, ange en länk eller välj en fil."]
    late = _decide(client, world, report_due="2000-01-01")
    assert late.status_code == 400
    assert late.json["errors"]["report_due"] == [
        "Sista dag för redovisningen kan inte vara före beslutsdatumet."]
    none = _decide(client, world, requirement_ids=[])
    assert none.json["errors"]["requirement_ids"] == [
        "Välj minst en brist som beslutet kräver åtgärder för."]
    source = client.post(f"/api/v1/dialogues/{d}/followups", headers=world.ivo, json={
        "title": "X", "owner": "ivo", "agreement": "shared", "source": "reflection:99999999999"})
    assert source.status_code == 400
    assert source.json["errors"]["title"] == ["Källan finns inte i den här dialogen."]
    history = db.session.scalars(select(FollowUpEvent.kind).where(
        FollowUpEvent.item_id == world.gnesta_item)).all()
    assert history == ["created"]
    assert client.get(f"/api/v1/dialogues/{d}/decision", headers=world.ivo).status_code == 404


def test_the_redovisning_from_decision_to_acknowledgement(client, world):
    d = world.dialogue_id
    recorded = _decide(client, world)
    assert recorded.status_code == 200
    assert recorded.json["requirement_ids"] == [world.reflection_id]
    assert recorded.json["case_number"] == "8.5-12345/2026"

    report = client.get(f"/api/v1/dialogues/{d}/report", headers=world.gnesta)
    assert report.status_code == 200
    assert report.json["missing"] == 1 and report.json["days_left"] == 30
    assert report.json["countdown"].startswith("30 dagar kvar till den ")
    assert report.json["requirements"][0]["measure"] is None
    early = client.post(f"/api/v1/dialogues/{d}/report/versions", headers=world.gnesta)
    assert early.status_code == 409 and "1 brist saknar åtgärd" in early.json["message"]

    measure_path = f"/api/v1/dialogues/{d}/report/measures/{world.reflection_id}"
    half = client.put(measure_path, headers=world.gnesta, json={**MEASURE, "timetable": ""})
    assert half.status_code == 400 and half.json["errors"]["timetable"] == ["Ange en tidplan."]
    saved = client.put(measure_path, headers=world.gnesta, json=MEASURE)
    assert saved.status_code == 200 and saved.json["timetable"] == MEASURE["timetable"]
    assert client.put(f"/api/v1/dialogues/{d}/report/measures/{world.reflection_id + 99}",
                      headers=world.gnesta, json=MEASURE).status_code == 404

    submitted = client.post(f"/api/v1/dialogues/{d}/report/versions", headers=world.gnesta)
    assert submitted.status_code == 201, submitted.json
    version = submitted.json
    assert version["version"] == 1 and version["status"] == "submitted"
    measures = version["content"]["decision"]["requirements"][0]["measures"]
    assert measures[0]["text"] == MEASURE["text"] and measures[0]["role"] == "Enhetschef"
    location = submitted.headers["Location"]
    assert client.get(location, headers=world.gnesta).json == version
    # Another board: its own redovisning is empty, Gnesta's version is not found.
    assert client.get(location, headers=world.nykoping).status_code == 404
    theirs = client.get(f"/api/v1/dialogues/{d}/report", headers=world.nykoping).json
    assert theirs["versions"] == [] and theirs["requirements"][0]["measure"] is None
    assert client.post(f"{location}/review", headers=world.gnesta,
                       json={"outcome": "acknowledged"}).status_code == 403
    # IVO reads the version, asks for additions, then acknowledges the next one.
    assert client.get(location, headers=world.ivo).json["id"] == version["id"]
    no_comment = client.post(f"{location}/review", headers=world.ivo,
                             json={"outcome": "additions_requested"})
    assert no_comment.status_code == 400
    assert no_comment.json["errors"]["comment"] == ["Skriv vad nämnden behöver komplettera."]
    additions = client.post(f"{location}/review", headers=world.ivo, json={
        "outcome": "additions_requested", "comment": "Bifoga rutinen."})
    assert additions.status_code == 200 and additions.json["status"] == "additions_requested"
    assert client.post(f"{location}/review", headers=world.ivo,
                       json={"outcome": "acknowledged"}).status_code == 409
    client.put(measure_path, headers=world.gnesta, json={**MEASURE, "evidence": "Rutin v2"})
    second = client.post(f"/api/v1/dialogues/{d}/report/versions", headers=world.gnesta).json
    assert second["version"] == 2
    ack = client.post(f"/api/v1/dialogues/{d}/report/versions/{second['id']}/review",
                      headers=world.ivo, json={"outcome": "acknowledged"})
    assert ack.status_code == 200 and ack.json["status"] == "acknowledged"
    steps = client.get(f"/api/v1/dialogues/{d}/report", headers=world.gnesta).json["history"]
    assert [s["kind"] for s in steps] == ["submitted", "additions_requested", "submitted",
                                          "acknowledged"]
    exported = client.get(f"/api/v1/dialogues/{d}/decision", headers=world.ivo).json
    gnesta = next(b for b in exported["boards"] if b["organization_id"] == world.gnesta_id)
    assert [v["status"] for v in gnesta["versions"]] == ["additions_requested", "acknowledged"]
    # IVO has no redovisning of its own to read.
    assert client.get(f"/api/v1/dialogues/{d}/report", headers=world.ivo).status_code == 403


def test_a_board_makes_and_revokes_its_own_tokens_on_the_page(client, auth, world):
    user("kansli@gnesta.se", "Kim Kansli", organization_id=world.gnesta_id)
    auth.login("kansli@gnesta.se")
    page = client.get("/api-nycklar/namnder")
    assert page.status_code == 200 and "Nämndens API-nycklar" in page.text
    assert "Gnestas ärendesystem" in page.text and "Nyköpings skript" not in page.text
    created = client.post("/api-nycklar/namnder", data={"name": "Diariet"})
    assert created.status_code == 200 and "visas bara den här gången" in created.text
    raw = created.text.split('id="new-token" aria-describedby="new-token-hint">')[1].split("<")[0]
    assert raw.startswith("atn_")
    token = db.session.scalar(select(BoardApiToken).where(BoardApiToken.name == "Diariet"))
    assert token.organization_id == world.gnesta_id and raw not in token.token_hash
    assert client.get("/api/v1/followups", headers=bearer(raw)).status_code == 200
    assert client.post("/api-nycklar/namnder", data={"name": " "}).status_code == 400

    nykopings = db.session.scalar(select(BoardApiToken).where(
        BoardApiToken.organization_id == world.nykoping_id))
    assert client.post(f"/api-nycklar/namnder/{nykopings.id}/aterkalla").status_code == 404
    assert nykopings.revoked_at is None
    revoked = client.post(f"/api-nycklar/namnder/{token.id}/aterkalla", follow_redirects=True)
    assert "Nyckeln Diariet är återkallad." in revoked.text
    answer = client.get("/api/v1/followups", headers=bearer(raw))
    assert answer.status_code == 401 and answer.json["error"] == "not_authenticated"
    # A facilitator who is not an admin keeps to IVO's own tokens.
    auth.logout()
    auth.login("sara@ivo.se")
    assert client.get("/api-nycklar/namnder").status_code == 403


def test_an_admin_makes_a_token_for_a_chosen_board(client, auth, world):
    auth.login("ada@ivo.se")
    page = client.get("/api-nycklar/namnder")
    assert "Nämndernas API-nycklar" in page.text and "Nyköpings skript" in page.text
    refused = client.post("/api-nycklar/namnder", data={"name": "Utan nämnd"})
    assert refused.status_code == 400
    created = client.post("/api-nycklar/namnder",
                          data={"name": "Nyköpings diarium", "organization_id": world.nykoping_id})
    assert created.status_code == 200
    token = db.session.scalar(select(BoardApiToken).where(
        BoardApiToken.name == "Nyköpings diarium"))
    assert token.organization_id == world.nykoping_id


def test_the_document_lists_each_outcome_operation_with_every_status_it_answers(app):
    document = build_document(app)
    found = {op["operationId"]: {int(code) for code in op["responses"]}
             for item in document["paths"].values() for op in item.values()
             if isinstance(op, dict) and "operationId" in op}
    expected = {
        "listBoardFollowUps": {200, 401, 403}, "listFollowUps": {200, 401, 403, 404},
        "createFollowUp": {201, 400, 401, 403, 404, 413},
        "getFollowUp": {200, 401, 403, 404}, "updateFollowUp": {200, 400, 401, 403, 404, 413},
        "changeFollowUpStatus": {200, 400, 401, 403, 404, 413},
        "addFollowUpComment": {201, 400, 401, 403, 404, 413},
        "addFollowUpEvidence": {201, 400, 401, 403, 404, 413},
        "listFollowUpEvidence": {200, 401, 403, 404},
        "getFollowUpEvidenceFile": {200, 401, 403, 404},
        "getFollowUpTrace": {200, 401, 403, 404}, "getDecision": {200, 401, 403, 404},
        "recordDecision": {200, 400, 401, 403, 404, 413},
        "getBoardReport": {200, 401, 403, 404}, "saveMeasure": {200, 400, 401, 403, 404, 413},
        "submitReport": {201, 401, 403, 404, 409}, "getReportVersion": {200, 401, 403, 404},
        "reviewReport": {200, 400, 401, 403, 404, 409, 413},
    }
    assert {name: found.get(name) for name in expected} == expected
    # A file answers its own bytes in the types an upload may have; its errors are JSON.
    file = document["paths"]["/api/v1/followups/{followup_id}/evidence/{evidence_id}/file"]
    assert set(file["get"]["responses"]["200"]["content"]) == {
        "application/pdf", "image/png", "image/jpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    assert set(file["get"]["responses"]["404"]["content"]) == {"application/json"}
    upload = document["paths"]["/api/v1/followups/{followup_id}/evidence"]["post"]
    assert set(upload["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"][
        "file"] == {"type": "string", "format": "binary"}
    # Dates are dates in the bodies the forms read, as the forms parse them.
    decision = document["components"]["schemas"]["DecisionInput"]["properties"]
    assert decision["report_due"]["format"] == "date"
    assert "board's token" in document["info"]["description"]


# --- schemathesis over the outcome operations, with IVO's token and a board's ---------------

schema = schemathesis.openapi.from_dict(build_document(create_app("testing"))).include(
    tag=OUTCOMES)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


@pytest.fixture
def seeded(client, world):
    """The world with a decision, Gnesta's measure, a submitted version and a stored file:
    the ids the operations' paths take."""
    _decide(client, world)
    client.put(f"/api/v1/dialogues/{world.dialogue_id}/report/measures/{world.reflection_id}",
               headers=world.gnesta, json=MEASURE)
    version = client.post(f"/api/v1/dialogues/{world.dialogue_id}/report/versions",
                          headers=world.gnesta).json
    ids = {"dialogue_id": world.dialogue_id, "followup_id": world.gnesta_item,
           "reflection_id": world.reflection_id, "version_id": version["id"],
           "evidence_id": _stored_file(world, world.gnesta_item)}
    return world, ids


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
@pytest.mark.parametrize("who", ["ivo", "gnesta"])
@schema.parametrize()
@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_schemathesis_finds_no_server_error_on_the_outcomes(case, who, app, seeded):
    world, ids = seeded
    headers = getattr(world, who)
    for name, value in list((case.path_parameters or {}).items()):
        if name in ids and isinstance(value, int) and value % 4:
            case.path_parameters[name] = ids[name]
    response = case.call(app=app, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
