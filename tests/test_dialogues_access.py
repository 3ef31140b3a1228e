import pytest
from helpers_dialogues import make_dialogue, make_reflection, reflection_payload

from facilitator.dialogues import services
from facilitator.errors import NotFound, PermissionDenied


@pytest.fixture
def people(make_user):
    return {
        "owner": make_user(email="anna@ivo.se", name="Anna"),
        "outsider": make_user(email="olle@ivo.se", name="Olle"),
        "admin": make_user(email="admin@ivo.se", name="Ada", is_admin=True),
    }


def test_outsider_cannot_use_services(people):
    owner, outsider = people["owner"], people["outsider"]
    dialogue = make_dialogue(owner)
    reflection = make_reflection(owner, dialogue)
    calls = [
        lambda: services.get_dialogue(outsider, dialogue.id),
        lambda: services.update_dialogue(outsider, dialogue.id, {"title": "x"}),
        lambda: services.transition(outsider, dialogue.id, "published"),
        lambda: services.create_reflection(outsider, dialogue.id, reflection_payload()),
        lambda: services.update_reflection(outsider, dialogue.id, reflection.id,
                                           reflection_payload(title="Kapat")),
        lambda: services.delete_reflection(outsider, dialogue.id, reflection.id),
        lambda: services.qr_code(outsider, dialogue.id, "png"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert dialogue.reflections[0].title != "Kapat"
    assert services.list_dialogues(outsider) == []
    assert services.list_dialogues(owner) == [dialogue]


def test_admin_sees_everything_and_unknown_is_not_found(people):
    dialogue = make_dialogue(people["owner"])
    assert services.get_dialogue(people["admin"], dialogue.id) is dialogue
    assert services.list_dialogues(people["admin"]) == [dialogue]
    with pytest.raises(NotFound):
        services.get_dialogue(people["owner"], 9999)
    other = make_dialogue(people["owner"], title="Annan")
    item = make_reflection(people["owner"], other)
    # A reflection id from another dialogue is not found in this one.
    with pytest.raises(NotFound):
        services.update_reflection(people["owner"], dialogue.id, item.id, reflection_payload())


def test_pages(app, client, auth, people):
    dialogue = make_dialogue(people["owner"])
    assert client.get(f"/dialoger/{dialogue.id}").status_code == 302  # login first
    auth.login("olle@ivo.se")
    for path in ("", "/redigera", "/reflektioner", "/dagordning", "/forhandsvisning",
                 "/inbjudan", "/qr.svg", "/qr.png"):
        response = client.get(f"/dialoger/{dialogue.id}{path}")
        assert response.status_code == 403, path
    assert "Åtkomst nekad" in client.get(f"/dialoger/{dialogue.id}").text
    assert client.post(f"/dialoger/{dialogue.id}/status",
                       data={"to_status": "published"}).status_code == 403
    assert client.get("/dialoger/9999").status_code == 404
    assert dialogue.title not in client.get("/dialoger/").text
    auth.logout()
    auth.login("admin@ivo.se")
    assert client.get(f"/dialoger/{dialogue.id}").status_code == 200
    assert dialogue.title in client.get("/dialoger/").text
