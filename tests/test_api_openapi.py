"""The OpenAPI document matches the routes, and schemathesis finds no server errors."""

import re

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

from facilitator.api.openapi import build_document

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def _openapi_path(rule: str) -> str:
    # /api/v1/dialogues/<int(max=2147483647):dialogue_id> -> /api/v1/dialogues/{dialogue_id}
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_api_route_is_documented_and_nothing_else(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_v1."):
            routes |= {(_openapi_path(rule.rule), method.lower())
                       for method in rule.methods if method.lower() in HTTP_METHODS}
    document = build_document()
    documented = {(path, method) for path, item in document["paths"].items()
                  for method in item if method in HTTP_METHODS}
    assert routes, "the api_v1 blueprint has no routes"
    assert routes == documented


def test_documented_path_parameters_match_the_routes(app):
    document = build_document()
    for path, item in document["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        assert names == declared, path


def test_document_is_openapi_3_1_with_bearer_security():
    document = build_document()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/"}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        **document["components"]["securitySchemes"]["bearerAuth"], "type": "http",
        "scheme": "bearer"}
    for name in ("Organization", "OrganizationInput", "Dialogue", "DialogueInput", "Reflection",
                 "ReflectionInput", "AgendaItem", "AgendaItemInput", "Error"):
        assert name in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            codes = set(operation["responses"])
            if path.endswith("openapi.json"):
                continue
            assert "401" in codes, (path, method)
            if "{" in path:
                assert "404" in codes, (path, method)
            if "requestBody" in operation:
                assert "400" in codes, (path, method)


schema = schemathesis.openapi.from_dict(build_document())

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
