import pytest
from helpers_dialogues import make_org

from facilitator.errors import Conflict, NotFound, ValidationFailed
from facilitator.extensions import db
from facilitator.organizations import services
from facilitator.organizations.models import Organization, OrganizationKind


@pytest.fixture
def anna(make_user):
    return make_user()


def test_create_list_and_edit_through_pages(app, client, auth, anna):
    assert client.get("/organisationer/").status_code == 302
    auth.login()
    assert "Inga organisationer ännu" in client.get("/organisationer/").text
    response = client.post("/organisationer/ny", data={
        "name": "Stadsdelsnämnden Skärholmen", "short_name": "Skärholmen",
        "kind": "stadsdel", "contact_email": "Registrator@Skarholmen.se",
    })
    assert response.status_code == 302
    org = services.list_organizations(anna)[0]
    assert org.kind == OrganizationKind.STADSDEL
    assert org.contact_email == "registrator@skarholmen.se"
    listing = client.get("/organisationer/").text
    assert "Stadsdelsnämnden Skärholmen" in listing and "Stadsdel" in listing

    form = client.get(f"/organisationer/{org.id}/redigera").text
    assert 'value="stadsdel" selected' in form or 'selected value="stadsdel"' in form
    response = client.post(f"/organisationer/{org.id}/redigera", data={
        "name": "Stadsdelsnämnden Skärholmen", "short_name": "Skärholmen",
        "kind": "namnd", "contact_email": "",
    }, follow_redirects=True)
    assert "Ändringarna för Stadsdelsnämnden Skärholmen är sparade." in response.text
    assert org.kind == OrganizationKind.NAMND and org.contact_email is None
    assert client.get("/organisationer/999/redigera").status_code == 404


def test_invalid_input_keeps_what_was_typed(app, client, auth, anna):
    make_org(anna)
    auth.login()
    response = client.post("/organisationer/ny", data={
        "name": "socialnämnden i gnesta kommun", "short_name": "Gnesta2",
        "kind": "kommun", "contact_email": "inte-en-adress",
    })
    assert response.status_code == 400
    assert "Gnesta2" in response.text
    assert "Ange en giltig e-postadress" in response.text or "e-post" in response.text.lower()
    response = client.post("/organisationer/ny", data={
        "name": "socialnämnden i gnesta kommun", "short_name": "Gnesta2", "kind": "kommun",
    })
    assert response.status_code == 409
    assert "Det finns redan en organisation med det namnet" in response.text
    assert "Gnesta2" in response.text


def test_service_validation(anna):
    with pytest.raises(ValidationFailed) as caught:
        services.create_organization(anna, {"name": "X", "short_name": "", "kind": "landsting"})
    assert {"short_name", "kind"} <= set(caught.value.errors)
    with pytest.raises(ValidationFailed):
        services.create_organization(anna, ["inte", "ett", "objekt"])
    with pytest.raises(NotFound):
        services.get_organization(anna, "abc")
    org = make_org(anna)
    other = make_org(anna, name="Socialnämnden i Trosa", short_name="Trosa")
    with pytest.raises(Conflict):
        services.update_organization(anna, other.id, {
            "name": org.name, "short_name": "Trosa", "kind": "kommun"})
    assert Organization.query.count() == 2


@pytest.mark.parametrize("first,second", [
    ("Ä", "Ä"),
    ("Ä", "ä"),
    ("Socialnämnden i Älvdalen", "SOCIALNÄMNDEN I ÄLVDALEN"),
    ("Socialnämnden i Älvdalen", "Socialna\u0308mnden i  A\u0308lvdalen"),  # NFD, two spaces
], ids=["same", "case", "upper", "decomposed"])
def test_duplicate_names_compare_like_the_unique_constraint(anna, first, second):
    services.create_organization(anna, {"name": first, "short_name": "A", "kind": "kommun"})
    with pytest.raises(Conflict) as caught:
        services.create_organization(anna, {"name": second, "short_name": "B", "kind": "kommun"})
    assert caught.value.errors["name"]
    assert Organization.query.count() == 1


def test_the_constraint_itself_is_a_409_when_two_create_at_once(anna, monkeypatch):
    """A name stored between the check and the commit meets the constraint: still a 409."""
    services.create_organization(anna, {"name": "Ö", "short_name": "Ö", "kind": "kommun"})
    db.session.commit()
    monkeypatch.setattr(services, "_check_unique_name", lambda *a, **k: None)
    with pytest.raises(Conflict) as caught:
        services.create_organization(anna, {"name": "ö", "short_name": "Ö", "kind": "kommun"})
    assert "name" in caught.value.errors
    assert Organization.query.count() == 1
