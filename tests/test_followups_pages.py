"""IVO's pages: the dialogue's follow-up page, the form (also from a source), the item page with
its history, editing; the links from the dialogue page and the console."""

import pytest
from helpers_followups import PASSWORD, make_item, make_world

from facilitator.dialogues.models import DialogueStatus
from facilitator.extensions import db
from facilitator.followups.models import FollowUpItem


@pytest.fixture
def world(app):
    return make_world(status=DialogueStatus.LIVE)


@pytest.fixture
def ivo(client, world):
    client.post("/logga-in", data={"email": "sara@ivo.se", "password": PASSWORD})
    return client


def test_ivo_creates_an_item_from_a_reflection_through_the_form(world, ivo):
    detail = ivo.get(f"/dialoger/{world.dialogue_id}").get_data(as_text=True)
    assert f"/dialoger/{world.dialogue_id}/uppfoljning/ny?fran=reflection:{world.reflection_id}" \
        in detail
    console = ivo.get(f"/dialoger/{world.dialogue_id}/mote").get_data(as_text=True)
    assert f"/dialoger/{world.dialogue_id}/uppfoljning/fran" in console
    sources = ivo.get(f"/dialoger/{world.dialogue_id}/uppfoljning/fran").get_data(as_text=True)
    assert "Förhandsbedömningar dröjer längre än 14 dagar" in sources

    form = ivo.get(f"/dialoger/{world.dialogue_id}/uppfoljning/ny"
                   f"?fran=reflection:{world.reflection_id}").get_data(as_text=True)
    assert 'value="Förhandsbedömningar dröjer längre än 14 dagar"' in form
    assert f'value="reflection:{world.reflection_id}"' in form

    # Different views without the board's: the error is by the field and nothing is lost.
    data = {"title": "Förhandsbedömningar inom 14 dagar", "owner": str(world.gnesta_id),
            "responsible_role": "enhetschef", "due_date": "2026-05-31",
            "agreement": "different", "ivo_position": "Besluten dröjer.",
            "board_position": "", "status": "agreed",
            "source": f"reflection:{world.reflection_id}"}
    response = ivo.post(f"/dialoger/{world.dialogue_id}/uppfoljning/ny", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Skriv nämndens syn när ni ser olika på saken." in html
    assert "Besluten dröjer." in html and 'value="enhetschef"' in html

    data["board_position"] = "Vi tvekar inte att inleda utredningar."
    response = ivo.post(f"/dialoger/{world.dialogue_id}/uppfoljning/ny", data=data)
    assert response.status_code == 302
    item = db.session.scalar(db.select(FollowUpItem))
    assert item.source_id == world.reflection_id and item.due_date.isoformat() == "2026-05-31"

    page = ivo.get(f"/dialoger/{world.dialogue_id}/uppfoljning").get_data(as_text=True)
    assert "Förhandsbedömningar inom 14 dagar" in page and "Överenskommen" in page
    item_page = ivo.get(f"/uppfoljning/punkt/{item.id}").get_data(as_text=True)
    assert "Reflektion: Förhandsbedömningar dröjer längre än 14 dagar" in item_page
    assert "Vi tvekar inte att inleda utredningar." in item_page
    assert "Skapade punkten" in item_page


def test_ivo_edits_an_item_and_the_history_shows_before_and_after(world, ivo):
    item = make_item(world, world.gnesta_id)
    edit = ivo.get(f"/uppfoljning/punkt/{item.id}/redigera").get_data(as_text=True)
    assert 'value="Säkra förhandsbedömningar inom 14 dagar"' in edit
    response = ivo.post(f"/uppfoljning/punkt/{item.id}/redigera", data={
        "title": "Säkra förhandsbedömningar inom 14 dagar", "owner": str(world.nykoping_id),
        "responsible_role": "enhetschef barn och unga", "due_date": "2026-03-31",
        "agreement": "shared"})
    assert response.status_code == 302
    page = ivo.get(f"/uppfoljning/punkt/{item.id}").get_data(as_text=True)
    assert "Ändrade uppgifter:" in page and "Ansvarig part" in page
    # A refused step is shown on the page, with the allowed ones.
    response = ivo.post(f"/uppfoljning/punkt/{item.id}/status", data={"status": "agreed"})
    assert response.status_code == 400
    assert "redan status" in response.get_data(as_text=True)


def test_an_outsider_facilitator_is_refused(world, app):
    item = make_item(world, world.gnesta_id)
    other = app.test_client()
    other.post("/logga-in", data={"email": "olle@ivo.se", "password": PASSWORD})
    assert other.get(f"/uppfoljning/punkt/{item.id}").status_code == 403
    assert other.get(f"/dialoger/{world.dialogue_id}/uppfoljning").status_code == 403
    assert other.post(f"/uppfoljning/punkt/{item.id}/status",
                      data={"status": "done"}).status_code == 403
    assert db.session.get(FollowUpItem, item.id).status == "agreed"


def test_one_form_saves_status_comment_and_evidence_together_and_keeps_text_on_error(
        world, client):
    item = make_item(world, world.gnesta_id, title="Barnsamtal i varje utredning")
    client.post("/logga-in", data={"email": "sara@ivo.se", "password": "ett-langt-testlosenord"})
    url = f"/uppfoljning/punkt/{item.id}/update"
    page = client.get(f"/uppfoljning/punkt/{item.id}").get_data(as_text=True)
    assert page.count('data-unsaved-guard') == 1 and f'action="{url}"' in page
    # A bad link: nothing is stored, and every typed text is still in the form.
    response = client.post(url, data={"status": "in_progress", "comment": "Rutinen är beslutad.",
                                      "url": "inte en länk", "text": "Rutin för barnsamtal"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Rutinen är beslutad." in html and "Rutin för barnsamtal" in html
    db.session.expire_all()
    assert db.session.get(FollowUpItem, item.id).status.value == "agreed"
    # All three at once.
    response = client.post(url, data={"status": "in_progress", "comment": "Rutinen är beslutad.",
                                      "url": "https://gnesta.se/rutin", "text": "Rutin"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(FollowUpItem, item.id)
    assert saved.status.value == "in_progress" and saved.evidence[0].url == "https://gnesta.se/rutin"
    assert any(e.comment == "Rutinen är beslutad." for e in saved.events)
