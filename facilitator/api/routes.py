"""The API token page and the JSON API v1.

Two blueprints: `api` holds the browser page (CSRF-protected like every form), `api_v1` the
JSON API under /api/v1/, authenticated only by `Authorization: Bearer <token>` and so exempt
from CSRF. API views parse input, call one service and shape the answer.
"""

from flask import (
    Blueprint,
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
from werkzeug.routing import BaseConverter

from ..core.errors import render_error
from ..core.payloads import apply_errors
from ..dialogues import services as dialogues
from ..errors import DomainError, NotAuthenticated, ValidationFailed
from ..extensions import csrf
from ..organizations import services as organizations
from . import schemas, services
from .forms import ApiTokenForm, RevokeForm
from .openapi import build_document

bp = Blueprint("api", __name__)
v1 = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(v1)



class IdConverter(BaseConverter):
    """A database id, 1 to 2147483647: ids are 32-bit in every database we run on.

    The limit is in the pattern, so a larger number is a plain 404 for every method.
    """

    regex = (
        r"(?:[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
        r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
    )

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


#: The converter's name in the rules below; registered by `init_app` before the blueprint.
ID = "api_id"


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
        flash(_("Nyckeln %(name)s är återkallad.", name=token.name), "success")
    return redirect(url_for("api.tokens"))


# --- API plumbing ----------------------------------------------------------------------


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


@v1.before_request
def _authenticate():
    if request.endpoint == "api_v1.openapi":
        return None
    user = services.user_for_token(_bearer())
    if user is None:
        raise NotAuthenticated(
            _("Skicka en giltig API-nyckel i huvudet Authorization: Bearer <nyckel>. "
              "Nycklar skapas på sidan API-nycklar.")
        )
    g.api_user = user
    return None


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


def _body() -> dict:
    """The request body as a JSON object, or 400."""
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(
            _("Begäran måste ha en kropp som är ett JSON-objekt, till exempel "
              "{\"title\": \"Dialogmöte\"}.")
        )
    return data


def _created(body: dict, location: str):
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _no_content():
    return "", 204


@v1.get("/openapi.json")
def openapi():
    return jsonify(build_document())


# --- organizations ----------------------------------------------------------------------


@v1.get("/organizations")
def list_organizations():
    found = organizations.list_organizations(g.api_user)
    return jsonify([schemas.organization_to_dict(org) for org in found])


@v1.post("/organizations")
def create_organization():
    org = organizations.create_organization(g.api_user, _body())
    return _created(
        schemas.organization_to_dict(org),
        url_for("api_v1.get_organization", org_id=org.id),
    )


@v1.get(f"/organizations/<{ID}:org_id>")
def get_organization(org_id: int):
    return jsonify(schemas.organization_to_dict(organizations.get_organization(g.api_user, org_id)))


@v1.put(f"/organizations/<{ID}:org_id>")
def update_organization(org_id: int):
    org = organizations.update_organization(g.api_user, org_id, _body())
    return jsonify(schemas.organization_to_dict(org))


# --- dialogues ----------------------------------------------------------------------------


@v1.get("/dialogues")
def list_dialogues():
    return jsonify([schemas.dialogue_to_dict(d) for d in dialogues.list_dialogues(g.api_user)])


@v1.post("/dialogues")
def create_dialogue():
    dialogue = dialogues.create_dialogue(g.api_user, _body())
    return _created(
        schemas.dialogue_to_dict(dialogue),
        url_for("api_v1.get_dialogue", dialogue_id=dialogue.id),
    )


@v1.get(f"/dialogues/<{ID}:dialogue_id>")
def get_dialogue(dialogue_id: int):
    return jsonify(schemas.dialogue_to_dict(dialogues.get_dialogue(g.api_user, dialogue_id)))


@v1.put(f"/dialogues/<{ID}:dialogue_id>")
def update_dialogue(dialogue_id: int):
    dialogue = dialogues.update_dialogue(g.api_user, dialogue_id, _body())
    return jsonify(schemas.dialogue_to_dict(dialogue))


@v1.post(f"/dialogues/<{ID}:dialogue_id>/transition")
def transition(dialogue_id: int):
    to_status = _body().get("status")
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
    return jsonify(schemas.dialogue_to_dict(dialogue))


# --- reflections ------------------------------------------------------------------------


@v1.get(f"/dialogues/<{ID}:dialogue_id>/reflections")
def list_reflections(dialogue_id: int):
    dialogue = dialogues.get_dialogue(g.api_user, dialogue_id)
    return jsonify([schemas.reflection_to_dict(r) for r in dialogue.reflections])


@v1.post(f"/dialogues/<{ID}:dialogue_id>/reflections")
def create_reflection(dialogue_id: int):
    reflection = dialogues.create_reflection(g.api_user, dialogue_id, _body())
    return _created(
        schemas.reflection_to_dict(reflection),
        url_for("api_v1.get_reflection", dialogue_id=dialogue_id, reflection_id=reflection.id),
    )


@v1.get(f"/dialogues/<{ID}:dialogue_id>/reflections/<{ID}:reflection_id>")
def get_reflection(dialogue_id: int, reflection_id: int):
    reflection = dialogues.get_reflection(g.api_user, dialogue_id, reflection_id)
    return jsonify(schemas.reflection_to_dict(reflection))


@v1.put(f"/dialogues/<{ID}:dialogue_id>/reflections/<{ID}:reflection_id>")
def update_reflection(dialogue_id: int, reflection_id: int):
    reflection = dialogues.update_reflection(g.api_user, dialogue_id, reflection_id, _body())
    return jsonify(schemas.reflection_to_dict(reflection))


@v1.delete(f"/dialogues/<{ID}:dialogue_id>/reflections/<{ID}:reflection_id>")
def delete_reflection(dialogue_id: int, reflection_id: int):
    dialogues.delete_reflection(g.api_user, dialogue_id, reflection_id)
    return _no_content()


# --- agenda items -----------------------------------------------------------------------


@v1.get(f"/dialogues/<{ID}:dialogue_id>/agenda-items")
def list_agenda_items(dialogue_id: int):
    dialogue = dialogues.get_dialogue(g.api_user, dialogue_id)
    return jsonify([schemas.agenda_item_to_dict(item) for item in dialogue.agenda_items])


@v1.post(f"/dialogues/<{ID}:dialogue_id>/agenda-items")
def create_agenda_item(dialogue_id: int):
    item = dialogues.create_agenda_item(g.api_user, dialogue_id, _body())
    return _created(
        schemas.agenda_item_to_dict(item),
        url_for("api_v1.get_agenda_item", dialogue_id=dialogue_id, item_id=item.id),
    )


@v1.get(f"/dialogues/<{ID}:dialogue_id>/agenda-items/<{ID}:item_id>")
def get_agenda_item(dialogue_id: int, item_id: int):
    item = dialogues.get_agenda_item(g.api_user, dialogue_id, item_id)
    return jsonify(schemas.agenda_item_to_dict(item))


@v1.put(f"/dialogues/<{ID}:dialogue_id>/agenda-items/<{ID}:item_id>")
def update_agenda_item(dialogue_id: int, item_id: int):
    item = dialogues.update_agenda_item(g.api_user, dialogue_id, item_id, _body())
    return jsonify(schemas.agenda_item_to_dict(item))


@v1.delete(f"/dialogues/<{ID}:dialogue_id>/agenda-items/<{ID}:item_id>")
def delete_agenda_item(dialogue_id: int, item_id: int):
    dialogues.delete_agenda_item(g.api_user, dialogue_id, item_id)
    return _no_content()
