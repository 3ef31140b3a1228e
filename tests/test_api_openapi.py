"""The OpenAPI document is generated from the views' declarations, and schemathesis over it finds
no server error, no undocumented status and no answer that breaks its schema."""

import pytest
import schemathesis
from helpers_api import bearer, seed_dialogue, token_for
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from facilitator import create_app
from facilitator.api.openapi import build_document
from facilitator.extensions import db

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def test_document_is_openapi_3_1_with_bearer_security(app):
    document = build_document(app)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/"}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        **document["components"]["securitySchemes"]["bearerAuth"], "type": "http",
        "scheme": "bearer"}
    for name in ("Organization", "OrganizationInput", "Dialogue", "DialogueInput", "Reflection",
                 "ReflectionInput", "AgendaItem", "AgendaItemInput", "Transition", "Error"):
        assert name in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            codes = set(operation["responses"])
            if path.endswith("openapi.json"):
                assert operation["security"] == [] and codes == {"200"}
                continue
            assert "401" in codes, (path, method)
            if "{" in path:
                assert "404" in codes, (path, method)
            if "requestBody" in operation:
                assert {"400", "413"} <= codes, (path, method)
            if "{dialogue_id}" in path:
                assert "403" in codes, (path, method)


def test_inputs_are_read_from_the_forms_that_validate_them(app):
    """A limit in a form is the limit in the document: there is no second copy to forget."""
    schemas = build_document(app)["components"]["schemas"]
    title = schemas["DialogueInput"]["properties"]["title"]
    assert title == {"type": "string", "minLength": 1, "maxLength": 200}
    assert schemas["DialogueInput"]["properties"]["duration_minutes"] == {
        "type": "integer", "minimum": 15, "maximum": 720}
    assert sorted(schemas["DialogueInput"]["required"]) == [
        "duration_minutes", "participation_mode", "title"]
    assert schemas["OrganizationInput"]["properties"]["kind"]["enum"] == [
        "kommun", "stadsdel", "namnd"]
    assert schemas["OrganizationInput"]["properties"]["contact_email"]["format"] == "email"
    assert schemas["AgendaItemInput"]["properties"]["planned_minutes"] == {
        "type": "integer", "minimum": 1, "maximum": 600}


def test_answers_are_the_schemas_that_serialise_them(client, seeded):
    """What the document promises of an answer is what the API sends: every field, no other."""
    headers, _ids = seeded
    document = client.get("/api/v1/openapi.json").json
    dialogue = client.post("/api/v1/dialogues", headers=headers, json={
        "title": "Återföring Gnesta", "duration_minutes": 120,
        "participation_mode": "pseudonymous"}).json
    promised = document["components"]["schemas"]["Dialogue"]
    assert set(dialogue) == set(promised["properties"]) == set(promised["required"])
    assert dialogue["status"] == "draft" and dialogue["purpose"] == ""


def test_a_view_without_a_declaration_cannot_be_served_undocumented():
    app = create_app("testing")
    app.add_url_rule("/api/v1/undocumented", "api_v1.undocumented", lambda: "")
    with pytest.raises(LookupError, match="api_v1.undocumented"):
        build_document(app)


def test_ids_beyond_32_bits_are_not_found_for_every_method(client, seeded):
    headers, ids = seeded
    for method in ("get", "put", "delete"):
        path = f"/api/v1/dialogues/{ids['dialogue_id']}/reflections/2147483648"
        response = getattr(client, method)(path, headers=headers, json={})
        assert response.status_code == 404 and response.json["error"] == "not_found"
    assert client.get("/api/v1/organizations/0", headers=headers).status_code == 404


# The outcome operations (follow-up items, decisions, redovisning) run in test_api_outcomes.py,
# over data that reaches their services, with IVO's token and a board's.
schema = schemathesis.openapi.from_dict(build_document(create_app("testing"))).exclude(
    tag=["follow-up items", "decisions", "redovisning"])

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


@pytest.fixture
def seeded(app, make_user):
    """A facilitator's token and the ids of a board, dialogue, reflection and agenda item."""
    user = make_user()
    org, dialogue, reflection, item = seed_dialogue(user)
    ids = {"org_id": org.id, "dialogue_id": dialogue.id, "reflection_id": reflection.id,
           "item_id": item.id}
    return bearer(token_for(user)), ids


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_schemathesis_finds_no_server_errors(case, app, seeded):
    headers, ids = seeded
    # Valid ids mostly point at the seeded data, so the calls reach the services.
    for name, value in list((case.path_parameters or {}).items()):
        if name in ids and isinstance(value, int) and value % 4:
            case.path_parameters[name] = ids[name]
    response = case.call(app=app, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)


def test_links_lead_from_a_new_dialogue_to_its_transition(app):
    links = build_document(app)["paths"]["/api/v1/dialogues"]["post"]["responses"]["201"]["links"]
    assert links["TransitionDialogue"]["operationId"] == "transitionDialogue"
    assert links["TransitionDialogue"]["parameters"] == {"dialogue_id": "$response.body#/id"}
    reflection = build_document(app)["paths"]["/api/v1/dialogues/{dialogue_id}/reflections"]
    assert reflection["post"]["responses"]["201"]["links"]["UpdateReflection"]["parameters"] == {
        "dialogue_id": "$request.path.dialogue_id", "reflection_id": "$response.body#/id"}


# The stateful run over a dialogue's own operations, following only the document's links
# (schemathesis would also infer some from answers): reaching the transition with a dialogue
# that exists shows that the links lead there.
linked = schemathesis.openapi.from_dict(
    build_document(create_app("testing")),
    config=schemathesis.config.SchemathesisConfig.from_dict(
        {"phases": {"stateful": {"inference": {"algorithms": []}}}}),
).include(tag="dialogues")


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_schemathesis_stateful_run_reaches_the_transition_and_finds_no_server_error(app, make_user):
    """Following the document's links, schemathesis creates dialogues, then reads, edits and
    moves them through their statuses, with no server error and no undocumented status."""
    headers: dict = {}
    reached: dict[tuple[str, str], set[int]] = {}

    class Workflow(linked.as_state_machine()):
        def setup(self):
            # Every scenario starts from the same database, so a replayed one meets the same
            # answers (Hypothesis requires it).
            db.session.remove()
            db.drop_all()
            db.create_all()
            user = make_user()
            seed_dialogue(user)
            headers.update(bearer(token_for(user)))
            db.session.commit()

        def get_call_kwargs(self, case):
            return {"app": app, "headers": headers}

        def after_call(self, response, case):
            key = (case.method.upper(), case.operation.path)
            reached.setdefault(key, set()).add(response.status_code)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=headers)

    Workflow.run(settings=settings(
        max_examples=30, stateful_step_count=6, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
    transition = reached.get(("POST", "/api/v1/dialogues/{dialogue_id}/transition"), set())
    assert transition & {200, 409}, reached  # reached with a dialogue that exists
    print(f"\nstateful run: {len(reached)} operations, transition answered {sorted(transition)}")
