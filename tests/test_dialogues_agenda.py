import pytest
from helpers_dialogues import make_dialogue, make_item, make_reflection

from facilitator.dialogues import services
from facilitator.errors import ValidationFailed


@pytest.fixture
def anna(make_user):
    return make_user()


def test_order_and_planned_total(anna):
    dialogue = make_dialogue(anna, duration_minutes="60")
    first = make_item(anna, dialogue, "Inledning", 10)
    second = make_item(anna, dialogue, "Förhandsbedömningar", 30)
    third = make_item(anna, dialogue, "Frågor", 15)
    assert services.planned_minutes(dialogue) == 55
    services.move_agenda_item(anna, dialogue.id, third.id, "up")
    services.move_agenda_item(anna, dialogue.id, third.id, "up")
    assert [i.title for i in dialogue.agenda_items] == ["Frågor", "Inledning",
                                                        "Förhandsbedömningar"]
    services.move_agenda_item(anna, dialogue.id, second.id, "down")  # already last
    assert [i.id for i in dialogue.agenda_items][-1] == second.id
    services.delete_agenda_item(anna, dialogue.id, first.id)
    assert [i.position for i in dialogue.agenda_items] == [0, 1]
    assert services.planned_minutes(dialogue) == 45


def test_linked_reflections_must_be_the_dialogues(anna):
    dialogue = make_dialogue(anna)
    reflection = make_reflection(anna, dialogue)
    other = make_reflection(anna, make_dialogue(anna, title="Annan"))
    item = make_item(anna, dialogue, reflection_ids=[str(reflection.id)])
    assert item.reflections == [reflection]
    with pytest.raises(ValidationFailed) as caught:
        make_item(anna, dialogue, reflection_ids=[str(other.id)])
    assert "reflection_ids" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        make_item(anna, dialogue, minutes="0")
    assert "planned_minutes" in caught.value.errors


def test_dialogue_page_shows_total_and_warns_when_over(app, client, auth, anna):
    dialogue = make_dialogue(anna, duration_minutes="180")
    auth.login()
    assert "Ingen dagordning ännu" in client.get(f"/dialoger/{dialogue.id}").text
    make_item(anna, dialogue, "Inledning", 100)
    make_item(anna, dialogue, "Reflektioner", 50)
    page = client.get(f"/dialoger/{dialogue.id}").text
    assert "Planerat 150 av 180 minuter" in page
    assert "Varning" not in page
    make_item(anna, dialogue, "Övrigt", 40)
    page = client.get(f"/dialoger/{dialogue.id}").text
    assert "Planerat 190 av 180 minuter" in page
    assert "Varning" in page and "10 minuter för lång" in page


def test_move_page_keeps_the_anchor(app, client, auth, anna):
    dialogue = make_dialogue(anna)
    make_item(anna, dialogue, "A", 10)
    b = make_item(anna, dialogue, "B", 10)
    auth.login()
    response = client.post(f"/dialoger/{dialogue.id}/dagordning/{b.id}/flytta",
                           data={"direction": "up"})
    assert response.headers["Location"].endswith(f"#item-{b.id}-up")
    page = client.get(f"/dialoger/{dialogue.id}/dagordning").text
    assert page.index(">B <") < page.index(">A <")
    assert f'id="item-{b.id}-down"' in page
