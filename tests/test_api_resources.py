"""The JSON API v1: round trips for each resource, access, and errors that are always JSON."""

import pytest
from helpers_api import bearer, seed_dialogue, token_for


@pytest.fixture
def anna(make_user):
    return make_user()


@pytest.fixture
def headers(anna):
    return bearer(token_for(anna))


def test_organization_round_trip(client, headers):
    body = {"name": "Socialnämnden i Gnesta kommun", "short_name": "Gnesta", "kind": "kommun",
            "contact_email": "Social@Gnesta.se"}
    created = client.post("/api/v1/organizations", json=body, headers=headers)
    assert created.status_code == 201
    org = created.json
    assert created.headers["Location"].endswith(f"/api/v1/organizations/{org['id']}")
    assert org["short_name"] == "Gnesta" and org["contact_email"] == "social@gnesta.se"

    fetched = client.get(created.headers["Location"], headers=headers)
    assert fetched.json == org
    assert [o["id"] for o in client.get("/api/v1/organizations", headers=headers).json] == [
        org["id"]]

    updated = client.put(f"/api/v1/organizations/{org['id']}", headers=headers,
                         json={**body, "kind": "namnd", "contact_email": None})
    assert updated.status_code == 200
    assert updated.json["kind"] == "namnd" and updated.json["contact_email"] is None

    duplicate = client.post("/api/v1/organizations", json=body, headers=headers)
    assert duplicate.status_code == 409 and "name" in duplicate.json["errors"]
    assert "redan en organisation" in duplicate.json["errors"]["name"][0]
    assert client.get("/api/v1/organizations/999", headers=headers).status_code == 404


def test_dialogue_round_trip_and_transition(client, anna, headers):
    org, *_ = seed_dialogue(anna)
    body = {"title": "Dialogmöte Stockholm", "purpose": "Återföring efter tillsynen.",
            "starts_at": "2026-03-05T09:00", "duration_minutes": 180, "place_room": "Sal 1",
            "place_address": "Storgatan 1", "is_digital": False, "organization_ids": [org.id],
            "premoderation": True, "participation_mode": "named", "show_board_results": False}
    created = client.post("/api/v1/dialogues", json=body, headers=headers)
    assert created.status_code == 201, created.json
    dialogue = created.json
    assert dialogue["status"] == "draft"
    assert dialogue["starts_at"] == "2026-03-05T09:00"  # Stockholm in, Stockholm out
    assert dialogue["organization_ids"] == [org.id]
    assert dialogue["facilitator_ids"] == [anna.id]
    assert dialogue["participation_mode"] == "named" and dialogue["show_board_results"] is False
    location = created.headers["Location"]
    assert location.endswith(f"/api/v1/dialogues/{dialogue['id']}")
    assert client.get(location, headers=headers).json == dialogue

    updated = client.put(location, headers=headers, json={**body, "title": "Nytt namn",
                                                            "starts_at": None})
    assert updated.status_code == 200
    assert updated.json["title"] == "Nytt namn" and updated.json["starts_at"] is None

    ids = [d["id"] for d in client.get("/api/v1/dialogues", headers=headers).json]
    assert dialogue["id"] in ids and len(ids) == 2

    transition = f"{location}/transition"
    refused = client.post(transition, json={"status": "published"}, headers=headers)
    assert refused.status_code == 409  # no reflection yet
    assert refused.json["error"] == "conflict"
    client.post(f"{location}/reflections", headers=headers,
                json={"kind": "positive", "title": "Barnen hörs", "applies_to_all": True})
    published = client.post(transition, json={"status": "published"}, headers=headers)
    assert published.status_code == 200
    assert published.json["status"] == "published" and published.json["published_at"]
    unknown = client.post(transition, json={"status": "flying"}, headers=headers)
    assert unknown.status_code == 400 and "status" in unknown.json["errors"]
    missing = client.post(transition, json={}, headers=headers)
    assert missing.status_code == 400 and "status" in missing.json["errors"]


def test_reflection_round_trip(client, anna, headers):
    org, dialogue, first, _item = seed_dialogue(anna)
    base = f"/api/v1/dialogues/{dialogue.id}/reflections"
    body = {"kind": "concern", "title": "Barnet hörs sällan", "body_md": "Ett *barnperspektiv*",
            "legal_basis": "SoL 11 kap. 10 §", "evidence": "4 av 10 utredningar",
            "applies_to_all": False, "organization_ids": [org.id]}
    created = client.post(base, json=body, headers=headers)
    assert created.status_code == 201, created.json
    reflection = created.json
    assert reflection["kind"] == "concern" and reflection["organization_ids"] == [org.id]
    assert "<em>barnperspektiv</em>" in reflection["body_html"]
    assert reflection["dialogue_id"] == dialogue.id
    location = created.headers["Location"]
    assert location.endswith(f"{base}/{reflection['id']}")
    assert client.get(location, headers=headers).json == reflection
    listed = client.get(base, headers=headers).json
    assert [r["id"] for r in listed] == [first.id, reflection["id"]]

    updated = client.put(location, headers=headers, json={**body, "applies_to_all": True,
                                                            "title": "Ny rubrik"})
    assert updated.status_code == 200
    assert updated.json["applies_to_all"] is True and updated.json["organization_ids"] == []
    assert updated.json["title"] == "Ny rubrik"

    invalid = client.put(location, headers=headers, json={**body, "kind": "opinion"})
    assert invalid.status_code == 400 and "kind" in invalid.json["errors"]

    assert client.delete(location, headers=headers).status_code == 204
    assert client.get(location, headers=headers).status_code == 404
    assert client.delete(location, headers=headers).status_code == 404


def test_agenda_item_round_trip(client, anna, headers):
    _org, dialogue, reflection, first = seed_dialogue(anna)
    base = f"/api/v1/dialogues/{dialogue.id}/agenda-items"
    created = client.post(base, headers=headers, json={
        "title": "Inledning", "description": "Välkomna", "planned_minutes": 10})
    assert created.status_code == 201, created.json
    item = created.json
    assert item["planned_minutes"] == 10 and item["reflection_ids"] == []
    location = created.headers["Location"]
    assert client.get(location, headers=headers).json == item
    assert [i["id"] for i in client.get(base, headers=headers).json] == [first.id, item["id"]]

    updated = client.put(location, headers=headers, json={
        "title": "Inledning", "planned_minutes": 15, "reflection_ids": [reflection.id]})
    assert updated.status_code == 200
    assert updated.json["reflection_ids"] == [reflection.id]
    assert updated.json["description"] == ""

    foreign = client.put(location, headers=headers, json={
        "title": "x", "planned_minutes": 5, "reflection_ids": [987654]})
    assert foreign.status_code == 400 and "reflection_ids" in foreign.json["errors"]

    assert client.delete(location, headers=headers).status_code == 204
    assert client.get(location, headers=headers).status_code == 404


def test_other_facilitator_gets_403_and_admin_gets_through(client, anna, make_user):
    _org, dialogue, reflection, item = seed_dialogue(anna)
    other = bearer(token_for(make_user("bo@ivo.se", "Bo Berg")))
    admin = bearer(token_for(make_user("admin@ivo.se", "Admin", is_admin=True)))
    base = f"/api/v1/dialogues/{dialogue.id}"
    change = {"title": "Kapat", "duration_minutes": 60, "participation_mode": "named"}

    assert client.get("/api/v1/dialogues", headers=other).json == []
    for method, path, body in [
        ("get", base, None),
        ("put", base, change),
        ("post", f"{base}/transition", {"status": "published"}),
        ("get", f"{base}/reflections", None),
        ("get", f"{base}/reflections/{reflection.id}", None),
        ("put", f"{base}/reflections/{reflection.id}",
         {"kind": "positive", "title": "x", "applies_to_all": True}),
        ("delete", f"{base}/reflections/{reflection.id}", None),
        ("post", f"{base}/agenda-items", {"title": "x", "planned_minutes": 5}),
        ("delete", f"{base}/agenda-items/{item.id}", None),
    ]:
        response = getattr(client, method)(path, json=body, headers=other)
        assert response.status_code == 403, (method, path)
        assert response.json["error"] == "forbidden"
    assert dialogue.title == "Återföring Gnesta" and dialogue.status == "draft"

    assert client.get(base, headers=admin).status_code == 200
    assert dialogue.id in [d["id"] for d in client.get("/api/v1/dialogues", headers=admin).json]
    changed = client.put(base, json=change, headers=admin)
    assert changed.status_code == 200 and changed.json["title"] == "Kapat"


@pytest.mark.parametrize("data,content_type", [
    ("{not json", "application/json"),
    ("", "application/json"),
    ("[1, 2]", "application/json"),
    ('"text"', "application/json"),
    ("null", "application/json"),
    ("title=x", "application/x-www-form-urlencoded"),
])
def test_malformed_bodies_give_400_json(client, anna, headers, data, content_type):
    _org, dialogue, reflection, _item = seed_dialogue(anna)
    for path, method in [("/api/v1/organizations", "post"),
                         ("/api/v1/dialogues", "post"),
                         (f"/api/v1/dialogues/{dialogue.id}", "put"),
                         (f"/api/v1/dialogues/{dialogue.id}/transition", "post"),
                         (f"/api/v1/dialogues/{dialogue.id}/reflections/{reflection.id}", "put"),
                         (f"/api/v1/dialogues/{dialogue.id}/agenda-items", "post")]:
        response = getattr(client, method)(path, data=data, content_type=content_type,
                                           headers=headers)
        assert response.status_code == 400, (path, data)
        assert response.is_json and "JSON-objekt" in response.json["message"]


@pytest.mark.parametrize("body", [
    {"title": {"nested": 1}, "duration_minutes": 60, "participation_mode": "named"},
    {"title": "x", "duration_minutes": "sextio", "participation_mode": "named"},
    {"title": "x", "duration_minutes": 1.5, "participation_mode": "named"},
    {"title": "x", "duration_minutes": True, "participation_mode": "named"},
    {"title": "x", "duration_minutes": 60, "participation_mode": "named",
     "organization_ids": ["a"]},
    {"title": "x", "duration_minutes": 60, "participation_mode": "named",
     "organization_ids": [99999999999999999999]},
    {"title": "x", "duration_minutes": 60, "participation_mode": "named",
     "starts_at": "imorgon"},
    {"title": "x", "duration_minutes": 60, "participation_mode": "secret"},
    {"title": None, "duration_minutes": 60, "participation_mode": "named"},
])
def test_wrong_types_give_400_with_field_errors(client, headers, body):
    response = client.post("/api/v1/dialogues", json=body, headers=headers)
    assert response.status_code == 400
    assert response.is_json and response.json["error"] == "validation"


def test_unknown_routes_and_methods_are_json(client, headers):
    for response, status in [
        (client.get("/api/v1/nothing-here", headers=headers), 404),
        (client.get("/api/v1/dialogues/abc", headers=headers), 404),
        (client.get("/api/v1/dialogues/99999999999999", headers=headers), 404),
        (client.get("/api/v1/dialogues/4711", headers=headers), 404),
        (client.delete("/api/v1/dialogues", headers=headers), 405),
        (client.patch("/api/v1/organizations/1", headers=headers), 405),
    ]:
        assert response.status_code == status
        assert response.is_json
        assert set(response.json) >= {"error", "message"}


def test_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")
    assert response.json["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


@pytest.mark.parametrize("body", [
    '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"name": ' + '{"a": ' * 30_000 + "1" + "}" * 30_000 + "}",
    "[" * 200_000,
    '{"name": ' + "[" * 33 + "]" * 33 + "}",
], ids=["deep-arrays", "deep-objects", "unclosed", "just-over-the-limit"])
def test_deeply_nested_json_is_a_400_json_error(client, headers, body):
    response = client.post("/api/v1/organizations", data=body, content_type="application/json",
                           headers=headers)
    assert response.status_code == 400
    assert response.is_json and response.json["error"] == "validation"
    assert "nästlat" in response.json["message"] or "JSON-objekt" in response.json["message"]


def test_nesting_inside_strings_and_moderate_nesting_are_fine(client, headers):
    body = {"name": "[[[[{{{{" * 10, "short_name": "Hakparentes", "kind": "kommun",
            "extra": [[[[[[[[1]]]]]]]]}
    response = client.post("/api/v1/organizations", json=body, headers=headers)
    assert response.status_code == 201
    assert response.json["name"] == "[[[[{{{{" * 10


def test_a_large_body_is_refused_before_parsing(client, headers):
    body = '{"name": "' + "x" * (300 * 1024) + '"}'
    response = client.post("/api/v1/organizations", data=body, content_type="application/json",
                           headers=headers)
    assert response.status_code == 400
    assert response.is_json and "för stor" in response.json["message"]


def test_duplicate_names_answer_409_naming_the_field(client, headers):
    body = {"name": "Ä", "short_name": "Ä", "kind": "kommun"}
    assert client.post("/api/v1/organizations", json=body, headers=headers).status_code == 201
    for name in ("Ä", "ä", "A\u0308"):
        response = client.post("/api/v1/organizations", json={**body, "name": name},
                               headers=headers)
        assert response.status_code == 409, name
        assert response.json["error"] == "conflict"
        assert list(response.json["errors"]) == ["name"]
