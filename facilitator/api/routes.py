"""The API token page and the JSON API v1.

Two blueprints: `api` holds the browser page (CSRF-protected like every form), `api_v1` the
JSON API under /api/v1/, authenticated only by `Authorization: Bearer <token>` and so exempt
from CSRF. API views parse input, call one service and shape the answer; each is declared with
its `Operation` (`api/contract.py`), from which the OpenAPI document is generated.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from ..core import uow
from ..core.errors import render_error
from ..core.payloads import apply_errors
from ..dialogues import services as dialogues
from ..dialogues.forms import AgendaItemForm, DialogueForm, ReflectionForm
from ..errors import DomainError, NotAuthenticated, PermissionDenied, ValidationFailed
from ..extensions import csrf
from ..followups.reviewers import Reviewer, board_of
from ..organizations import services as organizations
from ..organizations.forms import OrganizationForm
from ..traces import services as traces
from . import boards, services
from .contract import ID, Resource, answer, body, operation, register
from .forms import ApiTokenForm, BoardTokenForm, RevokeForm
from .openapi import document
from .schemas import (
    AgendaItemSchema,
    DialogueSchema,
    OrganizationSchema,
    ReflectionSchema,
    TransitionSchema,
)

bp = Blueprint("api", __name__)
v1 = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(v1)




# --- the token page ------------------------------------------------------------------


@bp.route("/api-nycklar", methods=["GET", "POST"])
@login_required
def tokens():
    form = ApiTokenForm()
    created = None
    status = 200
    if request.method == "POST":
        try:
            created = services.create_token(current_user, request.form)
            uow.commit()
        except ValidationFailed as error:
            apply_errors(form, error)
            status = 400
        else:
            form = ApiTokenForm(formdata=None)
    return render_template(
        "api/tokens.html", form=form, revoke_form=RevokeForm(),
        tokens=services.list_tokens(current_user),
        created_token=created[1] if created else None,
        created_name=created[0].name if created else None,
    ), status


@bp.post("/api-nycklar/<int:token_id>/aterkalla")
@login_required
def revoke(token_id: int):
    if RevokeForm().validate_on_submit():
        token = services.revoke_token(current_user, token_id)
        uow.commit()
        flash(_("Nyckeln %(name)s är återkallad.", name=token.name), "success")
    return redirect(url_for("api.tokens"))


@bp.route("/api-nycklar/namnder", methods=["GET", "POST"])
@login_required
def board_tokens():
    """A board's own API tokens (its staff accounts), or every board's (an admin)."""
    is_admin = not board_of(current_user) and current_user.is_admin
    form_class = BoardTokenForm if is_admin else ApiTokenForm
    choices = {"organization_choices": boards.board_token_choices()} if is_admin else {}
    form = form_class(**choices)
    created = None
    status = 200
    if request.method == "POST":
        try:
            created = boards.create_board_token(current_user, request.form)
            uow.commit()
        except ValidationFailed as error:
            apply_errors(form, error)
            status = 400
        else:
            form = form_class(formdata=None, **choices)
    return render_template(
        "api/board_tokens.html", form=form, revoke_form=RevokeForm(), is_admin=is_admin,
        tokens=boards.list_board_tokens(current_user),
        created_token=created[1] if created else None,
        created=created[0] if created else None,
    ), status


@bp.post("/api-nycklar/namnder/<int:token_id>/aterkalla")
@login_required
def revoke_board_token(token_id: int):
    if RevokeForm().validate_on_submit():
        token = boards.revoke_board_token(current_user, token_id)
        uow.commit()
        flash(_("Nyckeln %(name)s är återkallad.", name=token.name), "success")
    return redirect(url_for("api.board_tokens"))


# --- API plumbing ----------------------------------------------------------------------


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


@v1.before_request
def _authenticate():
    view = current_app.view_functions.get(request.endpoint)
    op = getattr(view, "operations", {}).get(request.method) or getattr(view, "operation", None)
    if getattr(op, "public", False):
        return None
    raw = _bearer()
    actor = services.user_for_token(raw) or boards.reviewer_for_api_token(raw)
    if actor is None:
        raise NotAuthenticated(
            _("Skicka en giltig API-nyckel i huvudet Authorization: Bearer <nyckel>. "
              "Nycklar skapas på sidan API-nycklar.")
        )
    if isinstance(actor, Reviewer) and not getattr(op, "boards", False):
        # A board's token acts as the board: only the operations its pages offer it too.
        raise PermissionDenied(
            _("En nämnds API-nyckel når bara nämndens egna uppföljningspunkter och "
              "redovisning."))
    g.api_user = actor
    return None


@v1.after_request
def _commit(response):
    """The API's one commit per request, written once: views call services that only flush,
    and what they did (with a token's `last_used_at`) is stored here, before the answer leaves.
    An answer of 400 or more stores nothing: the request's session is rolled back."""
    if response.status_code < 400:
        uow.commit()
    return response


@v1.errorhandler(DomainError)
def _domain_error(error: DomainError):
    response = jsonify(error.as_dict())
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@v1.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    # E.g. a body over MAX_CONTENT_LENGTH; routing errors (404, 405) are JSON through core.
    return render_error(error.code or 500)


# --- the API -----------------------------------------------------------------------------


DIALOGUE = f"/dialogues/<{ID}:dialogue_id>"
#: What the services of a dialogue's parts refuse: another facilitator's dialogue (403), a
#: change the dialogue's status does not allow (409).
IN_A_DIALOGUE = {"list": (403,), "create": (403, 409), "get": (403,), "update": (403, 409),
                 "delete": (403, 409)}

RESOURCES = (
    Resource("organizations", "organization", OrganizationSchema, OrganizationForm,
             "/organizations", "org_id", organizations,
             errors={"create": (409,), "update": (409,)},
             descriptions={"name": "Unique, e.g. \"Socialnämnden i Gnesta kommun\"."}),
    Resource("dialogues", "dialogue", DialogueSchema, DialogueForm, "/dialogues", "dialogue_id",
             dialogues, errors={"get": (403,), "update": (403, 409)},
             descriptions={"starts_at": "Local time in Europe/Stockholm, YYYY-MM-DDTHH:MM.",
                           "organization_ids": "Boards taking part.",
                           "facilitator_ids": "Facilitators (user ids)."}),
    Resource("reflections", "reflection", ReflectionSchema, ReflectionForm,
             f"{DIALOGUE}/reflections", "reflection_id", dialogues, errors=IN_A_DIALOGUE,
             descriptions={"body_md": "Markdown.", "legal_basis": "E.g. \"SoL 11 kap. 1 a §\".",
                           "evidence": "E.g. \"6 av 10 granskade förhandsbedömningar\".",
                           "applies_to_all": "False: give organization_ids.",
                           "organization_ids": "Boards of the dialogue it concerns."}),
    Resource("agenda_items", "agenda_item", AgendaItemSchema, AgendaItemForm,
             f"{DIALOGUE}/agenda-items", "item_id", dialogues, errors=IN_A_DIALOGUE,
             descriptions={"reflection_ids": "Reflections of the same dialogue."}),
)
for resource in RESOURCES:
    register(v1, resource)


@v1.post(f"{DIALOGUE}/transition")
@operation(id="transitionDialogue", summary="Move the dialogue to its next status",
           tag="dialogues", response=DialogueSchema, body=TransitionSchema, errors=(403, 409))
def transition(dialogue_id: int):
    to_status = body().get("status")
    if not isinstance(to_status, str):
        raise ValidationFailed(
            _("Ange vilken status dialogen ska få."),
            errors={"status": [_("Ange en status, till exempel \"published\".")]},
        )
    try:
        dialogue = dialogues.transition(g.api_user, dialogue_id, to_status)
    except ValidationFailed as error:
        # The service names the field as the page's form does; the API calls it `status`.
        if "to_status" in error.errors:
            error.errors = {"status": error.errors.pop("to_status"), **error.errors}
        raise
    return answer(DialogueSchema, dialogue)


TRACE = {"type": "object", "description": "Every step of the reflection's path in time order.",
         "properties": {
             "reflection": {"type": "object"}, "dialogue": {"type": "object"},
             "board": {"type": ["string", "null"]},
             "steps": {"type": "array", "items": {"type": "object", "required": ["kind", "at"],
                       "properties": {"kind": {"type": "string"},
                                      "at": {"type": ["string", "null"]},
                                      "title": {"type": "string"},
                                      "text": {"type": "string"},
                                      "table": {"type": "array", "items": {"type": "object"},
                                                "description": "Stances: everyone, then roles "
                                                "and boards with at least MIN_GROUP_SIZE "
                                                "answers, smaller ones together as Övriga"},
                                      "withheld": {"type": "string", "description":
                                                   "Why a breakdown is left out, or empty"}}}}},
         "required": ["reflection", "dialogue", "steps"]}

DECISION = {"type": "object", "description": "IVO's decision and where each board's "
            "redovisning stands.", "required": ["dialogue_id", "decided_on", "case_number",
                                                  "report_due", "requirement_ids", "boards"],
            "properties": {
                "dialogue_id": {"type": "integer"}, "decided_on": {"type": "string"},
                "case_number": {"type": "string"}, "report_due": {"type": "string"},
                "requirement_ids": {"type": "array", "items": {"type": "integer"}},
                "boards": {"type": "array", "items": {"type": "object"}}}}


@v1.get(f"{DIALOGUE}/reflections/<{ID}:reflection_id>/trace")
@operation(id="getReflectionTrace", summary="The reflection's whole path, in time order",
           tag="reflections", response=TRACE, errors=(403,))
def reflection_trace(dialogue_id: int, reflection_id: int):
    return jsonify(traces.reflection_trace(g.api_user, dialogue_id, reflection_id))


@v1.get("/openapi.json")
@operation(id="getOpenApi", summary="This document", tag="meta", public=True,
           response={"type": "object", "description": "The OpenAPI 3.1 document."})
def openapi():
    return jsonify(document(current_app))
