"""How the API is declared: every view carries its `Operation`, and a `Resource` makes the usual
list/create/get/update/delete views of one kind of object from its schema, its form and its
services.

`api/openapi.py` builds the OpenAPI document from these declarations and the URL map, so a view
without one cannot be served undocumented: the document refuses to build. Adding a resource is
one `Resource(...)` and one `register(v1, resource)`; another kind of view is one `@operation`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from flask import Blueprint, g, jsonify, request, url_for
from marshmallow import Schema

from ..core.payloads import json_object
from .inputs import input_schema
from .schemas import MAX_ID

#: The id in a URL: werkzeug's int converter, limited to the ids the databases hold, so a larger
#: number is a plain 404 for every method.
ID = f"int(min=1, max={MAX_ID})"


@dataclass(frozen=True)
class Operation:
    """What the document says of one view; the statuses every view of its kind answers (401
    without a token, 404 for an id in the path, 400 and 413 for a body) are added for it."""

    id: str
    summary: str
    tag: str
    #: The answer's schema; a dict is JSON Schema as is; None answers 204 with no body.
    response: type[Schema] | dict | None = None
    many: bool = False
    status: int = 200
    body: type[Schema] | None = None
    #: Further error statuses the services behind it raise (403, 409, ...).
    errors: tuple[int, ...] = ()
    #: Answered without a token.
    public: bool = False
    #: Open to a board's token too (its services decide what the board may do); any other
    #: operation refuses a board's token with 403.
    boards: bool = False
    #: The media types of the answer: JSON by default; a file's types answer its bytes
    #: (`response` is then ignored).
    media: tuple[str, ...] = ("application/json",)
    #: The body may also be multipart/form-data, as this JSON Schema says (a file's field has
    #: `format: binary`); `body` stays the JSON body's schema.
    upload: dict | None = None


def operation(**kwargs) -> Callable:
    """Declare a view's `Operation` (its OpenAPI operation), for every method of its rule."""
    def decorate(view):
        view.operation = Operation(**kwargs)
        return view

    return decorate


def operations(**by_method: Operation) -> Callable:
    """Declare one `Operation` per method of a view whose rule takes several (one rule per
    path): `@operations(GET=Operation(...), POST=Operation(...))`."""
    def decorate(view):
        view.operations = dict(by_method)
        return view

    return decorate


def body() -> dict:
    """The request body as a JSON object (size and depth bounded before parsing), or 400."""
    return json_object(request.stream, request.content_length)


def answer(schema: type[Schema], value, status: int = 200, location: str | None = None):
    """`value` serialised by its schema, as JSON."""
    response = jsonify(schema(many=isinstance(value, list | tuple)).dump(value))
    response.status_code = status
    if location:
        response.headers["Location"] = location
    return response


def _camel(words: str) -> str:
    return "".join(word.capitalize() for word in words.split("_"))


@dataclass(frozen=True)
class Resource:
    """One kind of object in the API, with the services behind each of its views.

    Each service takes the acting facilitator, the ids in the path in their order, and (to create
    or update) the JSON body, which it validates with `form`, the form the pages use too. Those
    not given are found in `services` by their usual names: `list_<name>`, `create_<singular>`,
    `get_<singular>`, `update_<singular>`, `delete_<singular>`; a view exists where one does.
    """

    #: Plural, as in Python: "agenda_items" (the collection's endpoint).
    name: str
    #: Singular: "agenda_item" (an item's endpoint).
    singular: str
    schema: type[Schema]
    form: type
    #: Where the collection is: "/dialogues/<ID:dialogue_id>/agenda-items".
    path: str
    #: The id's name in the item's path: "item_id".
    key: str
    services: ModuleType | None = None
    #: The document's group for its views; the name in words by default.
    tag: str = ""
    list: Callable | None = None
    create: Callable | None = None
    get: Callable | None = None
    update: Callable | None = None
    delete: Callable | None = None
    #: Error statuses the services raise beyond the usual ones, per view: "list", "create",
    #: "get", "update", "delete" (e.g. 403 for a dialogue not the facilitator's, 409 for a
    #: change its state refuses).
    errors: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: Descriptions of input fields, for the document.
    descriptions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not self.tag:
            object.__setattr__(self, "tag", self.name.replace("_", " "))
        names = {"list": f"list_{self.name}", "create": f"create_{self.singular}",
                 "get": f"get_{self.singular}", "update": f"update_{self.singular}",
                 "delete": f"delete_{self.singular}"}
        for view, name in names.items():
            if getattr(self, view) is None and self.services is not None:
                object.__setattr__(self, view, getattr(self.services, name, None))

    @property
    def input(self) -> type[Schema]:
        return input_schema(self.form, f"{_camel(self.singular)}Input",
                            descriptions=self.descriptions)


def register(bp: Blueprint, resource: Resource) -> None:
    """Add the resource's views to `bp`: one rule for the collection, one for an item.

    One rule per path, taking all its methods, so an id the converter refuses (too large) is a
    404 for every method: werkzeug answers 405 when another rule of the same path would have
    taken a different method.
    """
    r = resource
    title = _camel(r.singular)
    words = r.singular.replace("_", " ")
    article = "an" if words[0] in "aeiou" else "a"
    errors = r.errors.get
    inputs = r.input

    def list_(*ids):
        return answer(r.schema, list(r.list(g.api_user, *ids)))

    def create(*ids):
        obj = r.create(g.api_user, *ids, body())
        location = url_for(f"{bp.name}.{r.singular}", **request.view_args, **{r.key: obj.id})
        return answer(r.schema, obj, 201, location)

    def get(*ids):
        return answer(r.schema, r.get(g.api_user, *ids))

    def update(*ids):
        return answer(r.schema, r.update(g.api_user, *ids, body()))

    def delete(*ids):
        r.delete(g.api_user, *ids)
        return "", 204

    collection = {
        "GET": (r.list, list_, Operation(
            f"list{_camel(r.name)}", f"The {words}s", r.tag, r.schema, many=True,
            errors=errors("list", ()))),
        "POST": (r.create, create, Operation(
            f"create{title}", f"Create {article} {words}", r.tag, r.schema, status=201,
            body=inputs, errors=errors("create", ()))),
    }
    item = {
        "GET": (r.get, get, Operation(
            f"get{title}", f"One {words}", r.tag, r.schema, errors=errors("get", ()))),
        "PUT": (r.update, update, Operation(
            f"update{title}", f"Replace {article} {words}'s fields", r.tag, r.schema,
            body=inputs, errors=errors("update", ()))),
        "DELETE": (r.delete, delete, Operation(
            f"delete{title}", f"Delete {article} {words}", r.tag, None, status=204,
            errors=errors("delete", ()))),
    }
    for path, endpoint, methods in ((r.path, r.name, collection),
                                    (f"{r.path}/<{ID}:{r.key}>", r.singular, item)):
        handlers = {method: handler for method, (service, handler, _op) in methods.items()
                    if service is not None}
        if not handlers:
            continue

        def view(_handlers=handlers, **ids):
            return _handlers[request.method](*ids.values())

        view.__name__ = endpoint
        view.operations = {method: methods[method][2] for method in handlers}
        bp.add_url_rule(path, endpoint, view, methods=list(handlers))
