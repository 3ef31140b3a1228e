"""Themes: the admin's list, themes on reflections, a reflection started from an earlier one."""

import pytest
from helpers_dialogues import make_dialogue, make_org, make_reflection, reflection_payload

from facilitator.errors import PermissionDenied, ValidationFailed
from facilitator.extensions import db
from facilitator.themes import services as themes


@pytest.fixture
def admin(make_user):
    return make_user("admin@ivo.se", "Ada Admin", is_admin=True)


@pytest.fixture
def anna(make_user):
    return make_user()


@pytest.fixture
def seeded(app):
    themes.seed_defaults()
    db.session.commit()
    return {t.name: t for t in themes.ordered()}


def test_the_source_articles_themes_are_seeded_once(seeded):
    assert list(seeded) == [name for name, _ in themes.SEED_THEMES]
    assert themes.seed_defaults() == 0


def test_only_an_admin_changes_the_list(admin, anna, seeded, client, auth):
    with pytest.raises(PermissionDenied):
        themes.create_theme(anna, {"name": "Placeringar", "active": "y"})
    theme = themes.create_theme(admin, {"name": "Placeringar", "active": "y"})
    assert theme.active
    with pytest.raises(ValidationFailed) as refused:
        themes.create_theme(admin, {"name": "placeringar"})
    assert "finns redan" in refused.value.errors["name"][0]

    auth.login("anna@ivo.se")
    page = client.get("/teman/").get_data(as_text=True)
    assert "Barnets inställning och barnets röst" in page and "Placeringar" in page
    assert "Lägg till tema" not in page
    assert client.get("/teman/nytt").status_code == 403
    assert client.post(f"/teman/{theme.id}", data={"name": "X"}).status_code == 403


def test_a_theme_out_of_use_stays_on_its_reflections_but_is_not_offered(admin, seeded):
    theme = seeded["Dokumentation"]
    dialogue = make_dialogue(admin)
    reflection = make_reflection(admin, dialogue, theme_ids=[theme.id])
    themes.update_theme(admin, theme.id, {"name": "Dokumentation", "active": False})
    assert not theme.active
    assert reflection.themes == [theme]
    assert theme.id not in [tid for tid, _ in themes.choices()]
    # Still choosable in the dialogue whose reflection carries it, so saving keeps it.
    from facilitator.dialogues import services

    kwargs = services.reflection_form_kwargs(dialogue)
    assert theme.id in [tid for tid, _ in kwargs["theme_choices"]]
    services.update_reflection(admin, dialogue.id, reflection.id,
                               reflection_payload(theme_ids=[theme.id]))
    assert reflection.themes == [theme]
    other = make_dialogue(admin, title="En annan dialog")
    with pytest.raises(ValidationFailed):
        make_reflection(admin, other, theme_ids=[theme.id])


def test_a_reflection_started_from_an_earlier_one_keeps_the_link(anna, make_user, seeded,
                                                                 client, auth):
    gnesta = make_org(anna)
    old = make_dialogue(anna, title="Gnesta 2016", starts_at="2016-10-04T09:00",
                        organization_ids=[gnesta.id])
    theme = seeded["Barnets inställning och barnets röst"]
    earlier = make_reflection(anna, old, title="Barnets inställning inhämtas inte",
                              legal_basis="SoL 11 kap. 10 §", theme_ids=[theme.id])
    new = make_dialogue(anna, title="Gnesta 2019", organization_ids=[gnesta.id])

    auth.login("anna@ivo.se")
    page = client.get(f"/dialoger/{new.id}/reflektioner/ny").get_data(as_text=True)
    assert "Utgå från en tidigare reflektion" in page and "Gnesta 2016" in page
    page = client.get(f"/dialoger/{new.id}/reflektioner/ny?fran={earlier.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Barnets inställning inhämtas inte"' in html
    assert f'name="origin_id" type="hidden" value="{earlier.id}"' in html
    assert f'id="theme_ids-{theme.id}" value="{theme.id}" checked' in html

    from facilitator.dialogues import services

    copy = services.create_reflection(anna, new.id, reflection_payload(
        title="Barnets inställning inhämtas inte", origin_id=str(earlier.id),
        theme_ids=[theme.id]))
    assert copy.origin is earlier and copy.themes == [theme]
    listing = client.get(f"/dialoger/{new.id}/reflektioner").get_data(as_text=True)
    assert "Utgår från ”Barnets inställning inhämtas inte”" in listing

    # Someone else's dialogue is not a source: not offered, not accepted.
    bo = make_user("bo@ivo.se", "Bo")
    theirs = make_dialogue(bo, title="Bos dialog")
    with pytest.raises(ValidationFailed):
        services.create_reflection(bo, theirs.id, reflection_payload(origin_id=str(earlier.id)))
    assert client.get(f"/dialoger/{new.id}/reflektioner/ny?fran=999999").status_code == 404
