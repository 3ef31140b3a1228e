"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json.

tests/test_api_openapi.py checks that every route of the `api_v1` blueprint is described
here and nothing else, and runs schemathesis against the app with this document.
"""

from copy import deepcopy

MAX_ID = 2147483647
#: A meeting's local start, YYYY-MM-DDTHH:MM, in the years 1900-2199.
LOCAL_MINUTES_PATTERN = (
    r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$"
)
#: How `starts_at` is written in answers.
LOCAL_MINUTES_OUT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    schema = dict(schema)
    schema["type"] = [schema["type"], "null"]
    return schema


_REPLACE_NOTE = (
    "POST and PUT take every field: PUT replaces the resource, so send all fields again. "
    "A boolean or list left out counts as false or empty."
)
_TIMESTAMP = {"type": "string", "format": "date-time", "description": "UTC, RFC 3339."}
_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_IDS = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}

SCHEMAS: dict = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "A stable code, e.g. `validation`."},
            "message": {"type": "string", "description": "A sentence for people (Swedish)."},
            "errors": {
                "type": "object",
                "description": "Messages per field, when the input did not validate.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
    "OrganizationInput": {
        "type": "object",
        "description": _REPLACE_NOTE,
        "required": ["name", "short_name", "kind"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200,
                     "description": "Unique, e.g. \"Socialnämnden i Gnesta kommun\"."},
            "short_name": {"type": "string", "minLength": 1, "maxLength": 40},
            "kind": {"type": "string", "enum": ["kommun", "stadsdel", "namnd"]},
            "contact_email": {"type": ["string", "null"], "format": "email", "maxLength": 254},
        },
    },
    "Organization": {
        "type": "object",
        "required": ["id", "name", "short_name", "kind", "contact_email", "created_at"],
        "properties": {
            "id": _ID,
            "name": {"type": "string"},
            "short_name": {"type": "string"},
            "kind": {"type": "string", "enum": ["kommun", "stadsdel", "namnd"]},
            "contact_email": {"type": ["string", "null"]},
            "created_at": _TIMESTAMP,
        },
    },
    "DialogueInput": {
        "type": "object",
        "description": _REPLACE_NOTE,
        "required": ["title", "duration_minutes", "participation_mode"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "purpose": {"type": "string", "maxLength": 5000},
            "starts_at": {
                "type": ["string", "null"], "pattern": LOCAL_MINUTES_PATTERN,
                "description": "Local time in Europe/Stockholm, YYYY-MM-DDTHH:MM.",
            },
            "duration_minutes": {"type": "integer", "minimum": 15, "maximum": 720},
            "place_room": {"type": "string", "maxLength": 200},
            "place_address": {"type": "string", "maxLength": 300},
            "is_digital": {"type": "boolean"},
            "organization_ids": {**_IDS, "description": "Boards taking part."},
            "facilitator_ids": {**_IDS, "description": "Facilitators (user ids)."},
            "premoderation": {"type": "boolean"},
            "participation_mode": {"type": "string", "enum": ["pseudonymous", "named"]},
            "show_board_results": {"type": "boolean"},
        },
    },
    "Dialogue": {
        "type": "object",
        "required": [
            "id", "title", "purpose", "status", "starts_at", "duration_minutes", "place_room",
            "place_address", "is_digital", "join_code", "premoderation", "participation_mode",
            "show_board_results", "organization_ids", "facilitator_ids", "reflection_ids",
            "agenda_item_ids", "created_at", "updated_at", "published_at", "started_at",
            "closed_at", "archived_at",
        ],
        "properties": {
            "id": _ID,
            "title": {"type": "string"},
            "purpose": {"type": "string"},
            "status": {"type": "string",
                       "enum": ["draft", "published", "live", "closed", "archived"]},
            "starts_at": {"type": ["string", "null"], "pattern": LOCAL_MINUTES_OUT,
                          "description": "Local time in Europe/Stockholm."},
            "duration_minutes": {"type": "integer"},
            "place_room": {"type": "string"},
            "place_address": {"type": "string"},
            "is_digital": {"type": "boolean"},
            "join_code": {"type": ["string", "null"],
                          "description": "What participants type to join."},
            "premoderation": {"type": "boolean"},
            "participation_mode": {"type": "string", "enum": ["pseudonymous", "named"]},
            "show_board_results": {"type": "boolean"},
            "organization_ids": _IDS,
            "facilitator_ids": _IDS,
            "reflection_ids": _IDS,
            "agenda_item_ids": _IDS,
            "created_at": _TIMESTAMP,
            "updated_at": _TIMESTAMP,
            "published_at": _nullable(_TIMESTAMP),
            "started_at": _nullable(_TIMESTAMP),
            "closed_at": _nullable(_TIMESTAMP),
            "archived_at": _nullable(_TIMESTAMP),
        },
    },
    "TransitionInput": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {
                "type": "string", "enum": ["published", "live", "closed", "archived", "draft"],
                "description": "draft → published → live → closed → archived.",
            },
        },
    },
    "ReflectionInput": {
        "type": "object",
        "description": _REPLACE_NOTE,
        "required": ["kind", "title"],
        "properties": {
            "kind": {"type": "string",
                     "enum": ["positive", "deficiency", "concern", "ivo_question"]},
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "body_md": {"type": "string", "maxLength": 20000, "description": "Markdown."},
            "legal_basis": {"type": "string", "maxLength": 200,
                            "description": "E.g. \"SoL 11 kap. 1 a §\"."},
            "evidence": {"type": "string", "maxLength": 300,
                         "description": "E.g. \"6 av 10 granskade förhandsbedömningar\"."},
            "applies_to_all": {"type": "boolean",
                               "description": "False: give organization_ids."},
            "organization_ids": {**_IDS, "description": "Boards of the dialogue it concerns."},
        },
    },
    "Reflection": {
        "type": "object",
        "required": [
            "id", "dialogue_id", "kind", "title", "body_md", "body_html", "legal_basis",
            "evidence", "applies_to_all", "organization_ids", "position", "created_at",
            "updated_at",
        ],
        "properties": {
            "id": _ID,
            "dialogue_id": _ID,
            "kind": {"type": "string",
                     "enum": ["positive", "deficiency", "concern", "ivo_question"]},
            "title": {"type": "string"},
            "body_md": {"type": "string"},
            "body_html": {"type": "string", "description": "body_md rendered and sanitized."},
            "legal_basis": {"type": "string"},
            "evidence": {"type": "string"},
            "applies_to_all": {"type": "boolean"},
            "organization_ids": _IDS,
            "position": {"type": "integer"},
            "created_at": _TIMESTAMP,
            "updated_at": _TIMESTAMP,
        },
    },
    "AgendaItemInput": {
        "type": "object",
        "description": _REPLACE_NOTE,
        "required": ["title", "planned_minutes"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string", "maxLength": 5000},
            "planned_minutes": {"type": "integer", "minimum": 1, "maximum": 600},
            "reflection_ids": {**_IDS, "description": "Reflections of the same dialogue."},
        },
    },
    "AgendaItem": {
        "type": "object",
        "required": ["id", "dialogue_id", "title", "description", "planned_minutes",
                     "position", "reflection_ids"],
        "properties": {
            "id": _ID,
            "dialogue_id": _ID,
            "title": {"type": "string"},
            "description": {"type": "string"},
            "planned_minutes": {"type": "integer"},
            "position": {"type": "integer"},
            "reflection_ids": _IDS,
        },
    },
}

_DESCRIPTIONS = {
    400: "The body is not a JSON object, or a field did not validate (see `errors`).",
    401: "No valid API token: send `Authorization: Bearer <token>`.",
    403: "The token's facilitator does not facilitate this dialogue.",
    404: "No such resource.",
    409: "The change conflicts with the dialogue's state.",
}


def _error(status: int) -> dict:
    return {
        "description": _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _created(name: str) -> dict:
    return {
        "description": "Created.",
        "headers": {"Location": {"description": "The new resource's URL.",
                                 "schema": {"type": "string"}}},
        "content": {"application/json": {"schema": _ref(name)}},
    }


def _param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": deepcopy(_ID)}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _op(op_id: str, summary: str, responses: dict, errors: tuple[int, ...], *,
        body: str | None = None, tag: str) -> dict:
    operation = {
        "operationId": op_id,
        "summary": summary,
        "tags": [tag],
        "responses": {**responses, **{str(code): _error(code) for code in (401, *errors)}},
    }
    if body:
        operation["requestBody"] = _body(body)
    return operation


def _list(name: str) -> dict:
    return _ok({"type": "array", "items": _ref(name)})


ORG = _param("org_id", "The organization's id.")
DIALOGUE = _param("dialogue_id", "The dialogue's id.")
REFLECTION = _param("reflection_id", "The reflection's id.")
ITEM = _param("item_id", "The agenda item's id.")

PATHS: dict = {
    "/api/v1/organizations": {
        "get": _op("listOrganizations", "All organizations (boards)",
                   {"200": _list("Organization")}, (), tag="organizations"),
        "post": _op("createOrganization", "Create an organization",
                    {"201": _created("Organization")}, (400,), body="OrganizationInput",
                    tag="organizations"),
    },
    "/api/v1/organizations/{org_id}": {
        "parameters": [ORG],
        "get": _op("getOrganization", "One organization", {"200": _ok(_ref("Organization"))},
                   (404,), tag="organizations"),
        "put": _op("updateOrganization", "Replace an organization's fields",
                   {"200": _ok(_ref("Organization"))}, (400, 404), body="OrganizationInput",
                   tag="organizations"),
    },
    "/api/v1/dialogues": {
        "get": _op("listDialogues", "The dialogues the token's facilitator may manage",
                   {"200": _list("Dialogue")}, (), tag="dialogues"),
        "post": _op("createDialogue", "Create a dialogue (a draft)",
                    {"201": _created("Dialogue")}, (400,), body="DialogueInput",
                    tag="dialogues"),
    },
    "/api/v1/dialogues/{dialogue_id}": {
        "parameters": [DIALOGUE],
        "get": _op("getDialogue", "One dialogue", {"200": _ok(_ref("Dialogue"))}, (403, 404),
                   tag="dialogues"),
        "put": _op("updateDialogue", "Replace a dialogue's fields",
                   {"200": _ok(_ref("Dialogue"))}, (400, 403, 404, 409), body="DialogueInput",
                   tag="dialogues"),
    },
    "/api/v1/dialogues/{dialogue_id}/transition": {
        "parameters": [DIALOGUE],
        "post": _op("transitionDialogue", "Move the dialogue to its next status",
                    {"200": _ok(_ref("Dialogue"))}, (400, 403, 404, 409),
                    body="TransitionInput", tag="dialogues"),
    },
    "/api/v1/dialogues/{dialogue_id}/reflections": {
        "parameters": [DIALOGUE],
        "get": _op("listReflections", "The dialogue's reflections, in order",
                   {"200": _list("Reflection")}, (403, 404), tag="reflections"),
        "post": _op("createReflection", "Add a reflection", {"201": _created("Reflection")},
                    (400, 403, 404, 409), body="ReflectionInput", tag="reflections"),
    },
    "/api/v1/dialogues/{dialogue_id}/reflections/{reflection_id}": {
        "parameters": [DIALOGUE, REFLECTION],
        "get": _op("getReflection", "One reflection", {"200": _ok(_ref("Reflection"))},
                   (403, 404), tag="reflections"),
        "put": _op("updateReflection", "Replace a reflection's fields",
                   {"200": _ok(_ref("Reflection"))}, (400, 403, 404, 409),
                   body="ReflectionInput", tag="reflections"),
        "delete": _op("deleteReflection", "Delete a reflection",
                      {"204": {"description": "Deleted."}}, (403, 404, 409),
                      tag="reflections"),
    },
    "/api/v1/dialogues/{dialogue_id}/agenda-items": {
        "parameters": [DIALOGUE],
        "get": _op("listAgendaItems", "The dialogue's agenda, in order",
                   {"200": _list("AgendaItem")}, (403, 404), tag="agenda items"),
        "post": _op("createAgendaItem", "Add an agenda item", {"201": _created("AgendaItem")},
                    (400, 403, 404, 409), body="AgendaItemInput", tag="agenda items"),
    },
    "/api/v1/dialogues/{dialogue_id}/agenda-items/{item_id}": {
        "parameters": [DIALOGUE, ITEM],
        "get": _op("getAgendaItem", "One agenda item", {"200": _ok(_ref("AgendaItem"))},
                   (403, 404), tag="agenda items"),
        "put": _op("updateAgendaItem", "Replace an agenda item's fields",
                   {"200": _ok(_ref("AgendaItem"))}, (400, 403, 404, 409),
                   body="AgendaItemInput", tag="agenda items"),
        "delete": _op("deleteAgendaItem", "Delete an agenda item",
                      {"204": {"description": "Deleted."}}, (403, 404, 409),
                      tag="agenda items"),
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "tags": ["meta"],
            "security": [],
            "responses": {"200": _ok({"type": "object"}, "The OpenAPI 3.1 document.")},
        },
    },
}

DOCUMENT: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "Återföring API",
        "version": "1.0.0",
        "description": (
            "Prepare återföringsdialoger: organizations (boards), dialogues, their reflections "
            "and agenda items. Authenticate with a facilitator's API token, created on the page "
            "/api-nycklar: `Authorization: Bearer atf_...`. Times in `starts_at` are local "
            "Europe/Stockholm (`YYYY-MM-DDTHH:MM`); other timestamps are UTC. Every error is "
            "JSON: `{\"error\": code, \"message\": text, \"errors\": {field: [text]}}`."
        ),
    },
    "servers": [{"url": "/"}],
    "security": [{"bearerAuth": []}],
    "tags": [{"name": name} for name in
             ("organizations", "dialogues", "reflections", "agenda items", "meta")],
    "paths": PATHS,
    "components": {
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "A token from the page API-nycklar."},
        },
        "schemas": SCHEMAS,
    },
}


def build_document() -> dict:
    """A fresh copy of the document, safe for callers to change."""
    return deepcopy(DOCUMENT)
