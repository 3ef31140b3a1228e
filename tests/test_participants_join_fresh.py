"""The join page is rendered once per dialogue for all the phones of a join storm, yet a change
to the dialogue (its status, code, title or boards) shows on the very next visit, also when
another server process made it."""

from helpers_participants import board, make_dialogue
from sqlalchemy import text

from facilitator.dialogues.models import Dialogue, DialogueStatus
from facilitator.extensions import db


def outside(sql: str, **params) -> None:
    """A write by another process: straight to the database, past this process's session."""
    with db.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_new_phones_share_one_rendered_page_but_each_gets_its_own_form_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    dialogue = make_dialogue()
    code = dialogue.join_code
    first = client.get(f"/m/{code}").text
    other = app.test_client().get(f"/m/{code}").text
    assert "Gå med i dialogen" in first and "Gnesta" in first and "Nykvarn" in first
    token = 'name="csrf_token" type="hidden" value="'
    assert first.count(token) == 1 and other.count(token) == 1
    mine = first.split(token)[1].split('"')[0]
    theirs = other.split(token)[1].split('"')[0]
    assert mine and theirs and mine != theirs  # each session its own token
    assert "\x00" not in first


def test_closing_or_archiving_refuses_the_next_join_at_once(app, client):
    dialogue = make_dialogue()
    code, dialogue_id = dialogue.join_code, dialogue.id
    assert client.get(f"/m/{code}").status_code == 200

    dialogue.status = DialogueStatus.CLOSED  # through this process's session
    db.session.commit()
    response = client.get(f"/m/{code}")
    assert response.status_code == 410 and "Mötet är avslutat" in response.text

    outside("UPDATE dialogues SET status = 'published' WHERE id = :id", id=dialogue_id)
    assert client.get(f"/m/{code}").status_code == 200

    # Archived by another process: the code is freed, so it matches nothing any more.
    outside("UPDATE dialogues SET status = 'archived', join_code = NULL WHERE id = :id",
            id=dialogue_id)
    response = client.get(f"/m/{code}")
    assert response.status_code == 404
    response = client.post(f"/m/{code}/profil", data={"organization": "none",
                                                       "role": "socialsekreterare"})
    assert response.status_code == 404
    assert db.session.scalar(text("SELECT count(*) FROM participants")) == 0


def test_a_status_changed_by_another_process_refuses_the_profile_form(app, client):
    dialogue = make_dialogue()
    code, dialogue_id = dialogue.join_code, dialogue.id
    assert client.get(f"/m/{code}").status_code == 200
    outside("UPDATE dialogues SET status = 'draft' WHERE id = :id", id=dialogue_id)
    response = client.post(f"/m/{code}/profil", data={"organization": "none",
                                                       "role": "socialsekreterare"})
    assert response.status_code == 409
    assert "inte öppnad för deltagare än" in response.text
    assert db.session.scalar(text("SELECT count(*) FROM participants")) == 0


def test_an_edited_title_and_boards_show_on_the_next_visit(app, client):
    dialogue = make_dialogue(boards=("Gnesta",))
    code, dialogue_id = dialogue.join_code, dialogue.id
    page = client.get(f"/m/{code}").text
    assert "Återföringsdialog 2019" in page and "Nykvarn" not in page

    outside("UPDATE dialogues SET title = 'Ny titel på dialogen' WHERE id = :id", id=dialogue_id)
    page = client.get(f"/m/{code}").text
    assert "Ny titel på dialogen" in page and "Återföringsdialog 2019" not in page

    nykvarn = board("Nykvarn")
    db.session.commit()
    outside("INSERT INTO dialogue_organizations (dialogue_id, organization_id) "
            "VALUES (:d, :o)", d=dialogue_id, o=nykvarn.id)
    page = app.test_client().get(f"/m/{code}").text
    assert "Nykvarn" in page
    # The new board can be chosen at once.
    response = client.post(f"/m/{code}/profil", data={"organization": str(nykvarn.id),
                                                       "role": "socialsekreterare"})
    assert response.status_code == 302
    assert db.session.get(Dialogue, dialogue_id) is not None
