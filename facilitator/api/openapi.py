"""The OpenAPI 3.1 document of /api/v1/, generated, served at /api/v1/openapi.json.

Nothing here describes a resource by hand: apispec's marshmallow plugin turns the schemas in
`api/schemas.py` (answers) and those `api/inputs.py` derives from the forms (bodies) into JSON
Schema, and the paths come from the app's URL map and each view's `Operation`
(`api/contract.py`). A view of the API without an `Operation` makes the build fail.
"""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema

from .contract import Operation
from .schemas import ErrorSchema

BLUEPRINT = "api_v1"

DESCRIPTION = (
    "Prepare återföringsdialoger: organizations (boards), dialogues, their reflections and "
    "agenda items; follow their outcomes: follow-up items with their history, IVO's decision, "
    "the boards' redovisning in versions and the trace of a reflection. Authenticate with a "
    "facilitator's API token, created on the page /api-nycklar: `Authorization: Bearer "
    "atf_...`. A board's token (`atn_...`, made by the board's own account or an admin on "
    "/api-nycklar/namnder) acts as the board: it reads and updates only that board's own "
    "follow-up items and redovisning; another board's answer 404, and every other operation "
    "403. Dates are `YYYY-MM-DD`. Times in `starts_at` are local "
    "Europe/Stockholm (`YYYY-MM-DDTHH:MM`); other timestamps are UTC. Every error is JSON: "
    "`{\"error\": code, \"message\": text, \"errors\": {field: [text]}}`, also a 404 for an "
    "unknown path and a 405 for a method a path does not take."
)

#: Every error status the API answers, and when.
ERRORS = {
    400: "The body is not a JSON object, or a field did not validate (see `errors`).",
    401: "No valid API token: send `Authorization: Bearer <token>`.",
    403: ("The token may not do this: its facilitator does not facilitate this dialogue, only "
          "IVO may do it, or it is a board's token, which reaches only the board's own "
          "follow-up items and redovisning."),
    404: "No such resource.",
    409: ("The change conflicts with the resource's state, or with a name that already exists "
          "(see `errors`)."),
    413: "The body is larger than the server takes ({limit}).",
}

_PATH_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _openapi_path(rule: str) -> str:
    """/api/v1/dialogues/<int(min=1, max=...):dialogue_id> → /api/v1/dialogues/{dialogue_id}"""
    return _PATH_PARAMETER.sub(r"{\1}", rule)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _schema_name(schema: type[Schema]) -> str:
    return schema.__name__.removesuffix("Schema")


class _Builder:
    def __init__(self, app: Flask):
        self.app = app
        self.spec = APISpec(
            title="Återföring API", version="1.0.0", openapi_version="3.1.0",
            plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION},
            servers=[{"url": "/"}], security=[{"bearerAuth": []}],
        )
        self.spec.components.security_scheme("bearerAuth", {
            "type": "http", "scheme": "bearer",
            "description": "A token from the page API-nycklar."})
        self.tags: list[str] = []
        self.schema(ErrorSchema)

    def schema(self, schema: type[Schema] | dict) -> dict:
        """A reference to the schema, registered once; a dict is JSON Schema as is."""
        if isinstance(schema, dict):
            return schema
        name = _schema_name(schema)
        if name not in self.spec.components.schemas:
            self.spec.components.schema(name, {"description": (schema.__doc__ or "").strip()},
                                        schema=schema)
        return _ref(name)

    def error(self, status: int) -> dict:
        limit = self.app.config.get("MAX_CONTENT_LENGTH") or 0
        response = {
            "description": ERRORS[status].format(limit=f"{limit // (1024 * 1024)} MB"),
            "content": {"application/json": {"schema": _ref("Error")}},
        }
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {
                "description": "`Bearer realm=\"api\"`.", "schema": {"type": "string"}}}
        return response

    def parameter(self, rule, name: str) -> dict:
        converter = rule._converters[name]
        schema = {"type": "integer"}
        if getattr(converter, "min", None) is not None:
            schema["minimum"] = converter.min
        if getattr(converter, "max", None) is not None:
            schema["maximum"] = converter.max
        return {"name": name, "in": "path", "required": True, "schema": schema,
                "description": f"The {name.removesuffix('_id').replace('_', ' ')}'s id."}

    def operation(self, rule, op: Operation) -> dict:
        if op.tag not in self.tags:
            self.tags.append(op.tag)
        if op.media != ("application/json",):
            answer = {"description": "The file's bytes, in the type detected when it was "
                                     "stored.",
                      "content": {media: {"schema": {"type": "string", "format": "binary"}}
                                  for media in op.media}}
        elif op.response is None:
            answer = {"description": "Done; no content."}
        else:
            schema = self.schema(op.response)
            if op.many:
                schema = {"type": "array", "items": schema}
            answer = {"description": "Created." if op.status == 201 else "OK",
                      "content": {"application/json": {"schema": schema}}}
            if op.status == 201:
                answer["headers"] = {"Location": {"description": "The new resource's URL.",
                                                  "schema": {"type": "string"}}}
        errors = set(op.errors)
        if not op.public:
            errors.add(401)
            if not op.boards:
                errors.add(403)  # a board's token
        if rule.arguments:
            errors.add(404)
        spec = {"operationId": op.id, "summary": op.summary, "tags": [op.tag]}
        if op.body is not None:
            errors |= {400, 413}
            spec["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": self.schema(op.body)}}}
            if op.upload is not None:
                spec["requestBody"]["content"]["multipart/form-data"] = {"schema": op.upload}
        if op.public:
            spec["security"] = []
        spec["responses"] = {str(op.status): answer,
                             **{str(status): self.error(status) for status in sorted(errors)}}
        return spec

    def build(self) -> dict:
        paths: dict[str, dict] = {}
        rules = [rule for rule in self.app.url_map.iter_rules()
                 if rule.endpoint.startswith(BLUEPRINT + ".")]
        for rule in rules:
            view = self.app.view_functions[rule.endpoint]
            path = paths.setdefault(_openapi_path(rule.rule), {"operations": {}, "rule": rule})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                op = getattr(view, "operations", {}).get(method) or getattr(
                    view, "operation", None)
                if op is None:
                    raise LookupError(f"{method} {rule.rule} ({rule.endpoint}) has no Operation: "
                                      "declare it with @operation or as a Resource "
                                      "(api/contract.py)")
                path["operations"][method.lower()] = self.operation(rule, op)
        _link(paths)
        for path, entry in paths.items():
            rule = entry["rule"]
            self.spec.path(path=path, operations=entry["operations"],
                           parameters=[self.parameter(rule, name) for name in
                                       _PATH_PARAMETER.findall(rule.rule)])
        for tag in self.tags:
            self.spec.tag({"name": tag})
        return self.spec.to_dict()


def _link(paths: dict[str, dict]) -> None:
    """OpenAPI links from each create (201) to every operation on what it made: its item and
    everything below it (`/dialogues/{dialogue_id}` → its transition, its reflections, ...).

    The new id comes from the answer's `id`; the ids the create's own path had come from its
    request. So a client (or schemathesis' stateful run) can follow a new dialogue to its
    transition without guessing an id.
    """
    for collection, entry in paths.items():
        create = entry["operations"].get("post")
        if create is None or "201" not in create["responses"]:
            continue
        known = set(_PATH_PARAMETER.findall(entry["rule"].rule))
        items = [p for p in paths if p.startswith(collection + "/{") and p.count("/") ==
                 collection.count("/") + 1]
        if len(items) != 1:
            continue
        item = items[0]
        key = item[len(collection) + 2:-1]
        links = {}
        for path, target in paths.items():
            if path != item and not path.startswith(item + "/"):
                continue
            names = _PATH_PARAMETER.findall(target["rule"].rule)
            if not set(names) <= known | {key}:
                continue  # needs an id this create neither had nor made
            for _method, operation in sorted(target["operations"].items()):
                parameters = {name: ("$response.body#/id" if name == key
                                     else f"$request.path.{name}") for name in names}
                op_id = operation["operationId"]
                links[op_id[0].upper() + op_id[1:]] = {
                    "operationId": op_id, "parameters": parameters,
                    "description": f"{operation['summary']}, of the one just created."}
        if links:
            create["responses"]["201"]["links"] = links


def build_document(app: Flask) -> dict:
    """The OpenAPI document of `app`'s API, built anew (callers may change it)."""
    return _Builder(app).build()


def document(app: Flask) -> dict:
    """The document, built once per app."""
    if "openapi" not in app.extensions:
        app.extensions["openapi"] = build_document(app)
    return app.extensions["openapi"]
