"""The pre-read: reading, asking, disagreeing, taking a stance; privacy and idempotency."""

from helpers_participants import cookie_name, join, make_dialogue
from sqlalchemy import select

from facilitator.contributions import services
from facilitator.contributions.models import (
    Contribution,
    ContributionStatus,
    Phase,
    Stance,
    StanceValue,
)
from facilitator.dialogues.models import DialogueStatus
from facilitator.errors import PermissionDenied
from facilitator.extensions import db
from facilitator.participants.models import Participant


def _joined(app, dialogue, board="Gnesta", role="socialsekreterare"):
    client = app.test_client()
    join(client, dialogue, board, role)
    return client


def _ask(client, dialogue, text, reflection=None, client_id=None, kind="question"):
    data = {"kind": kind, "text": text}
    if reflection is not None:
        data["reflection_id"] = reflection.id
    if client_id:
        data["client_id"] = client_id
    return client.post(f"/m/{dialogue.join_code}/bidrag", data=data)


def test_preread_shows_purpose_reflections_and_agenda(app):
    dialogue = make_dialogue()
    client = _joined(app, dialogue)
    page = client.get(f"/m/{dialogue.join_code}/forberedelse")
    assert page.status_code == 200
    assert "Att gå igenom IVO:s iakttagelser" in page.text
    assert "Förhandsbedömningar tar för lång tid" in page.text
    assert "<strong>6 av 10</strong>" in page.text  # the reflection's Markdown, rendered
    assert "SoL 11 kap. 1 a §" in page.text
    assert "Inledning och syfte" in page.text
    assert "Delar du IVO:s bild?" in page.text
    assert "Du deltar som" in page.text


def test_preread_without_joining_goes_to_the_join_step(app, client):
    dialogue = make_dialogue()
    response = client.get(f"/m/{dialogue.join_code}/forberedelse")
    assert response.status_code == 302
    assert response.location.endswith(f"/m/{dialogue.join_code}")


def test_premoderated_question_waits_and_only_its_author_sees_it(app):
    dialogue = make_dialogue()
    author = _joined(app, dialogue)
    other = _joined(app, dialogue, "Nykvarn", "chef")
    reflection = dialogue.reflections[0]
    response = _ask(author, dialogue, "Hur räknar ni de 14 dagarna?", reflection)
    assert response.status_code == 302
    assert response.location.endswith(f"#r-{reflection.id}")
    mine = author.get(f"/m/{dialogue.join_code}/forberedelse").text
    assert "Hur räknar ni de 14 dagarna?" in mine and "väntar på granskning" in mine
    assert "Hur räknar ni" not in other.get(f"/m/{dialogue.join_code}/forberedelse").text
    stored = db.session.scalar(select(Contribution))
    assert stored.status == ContributionStatus.PENDING and stored.phase == Phase.PRE

    stored.status = ContributionStatus.APPROVED
    db.session.commit()
    seen = other.get(f"/m/{dialogue.join_code}/forberedelse").text
    assert "Hur räknar ni de 14 dagarna?" in seen
    assert "Gnesta" in seen  # the author's pseudonym, alone with their role in Gnesta


def test_without_premoderation_questions_are_approved_at_once(app):
    dialogue = make_dialogue(premoderation=False)
    author = _joined(app, dialogue)
    other = _joined(app, dialogue, "Nykvarn", "chef")
    _ask(author, dialogue, "Hur gör ni med skyddsbedömningen samma dag?")
    assert db.session.scalar(select(Contribution.status)) == ContributionStatus.APPROVED
    assert "skyddsbedömningen samma dag" in other.get(
        f"/m/{dialogue.join_code}/forberedelse").text


def test_a_flagged_question_is_stored_but_never_shown_to_another_participant(app):
    dialogue = make_dialogue(premoderation=False)
    author = _joined(app, dialogue)
    other = _joined(app, dialogue, "Nykvarn", "chef")
    response = _ask(author, dialogue, "Gäller pojken 811218-9876, varför dröjde beslutet?",
                    dialogue.reflections[0])
    assert response.status_code == 302
    stored = db.session.scalar(select(Contribution))
    assert stored.personal_data_flag
    assert stored.status == ContributionStatus.PENDING
    assert "811218-9876" not in other.get(f"/m/{dialogue.join_code}/forberedelse").text
    assert stored not in services.visible_contributions(dialogue, None)
    other_participant = db.session.scalar(
        select(Participant).where(Participant.id != stored.participant_id))
    assert stored not in services.visible_contributions(dialogue, other_participant)
    # Even once approved by mistake, a flagged item stays away from the room.
    stored.status = ContributionStatus.APPROVED
    db.session.commit()
    assert "811218-9876" not in other.get(f"/m/{dialogue.join_code}/forberedelse").text


def test_the_same_client_id_twice_stores_one_row(app):
    dialogue = make_dialogue()
    client = _joined(app, dialogue)
    for _ in range(2):
        response = _ask(client, dialogue, "Vem ansvarar för uppföljningen?",
                        client_id="7d7a3a53-2a0c-4bd4-9f7d-4f3c1f7b0a11")
        assert response.status_code == 302
    assert db.session.query(Contribution).count() == 1
    page = client.get(f"/m/{dialogue.join_code}/forberedelse").text
    assert "Inget skickades två gånger" in page
    assert 'data-client-id="7d7a3a53-2a0c-4bd4-9f7d-4f3c1f7b0a11"' in page

    participant = db.session.scalar(select(Participant))
    payload = {"client_id": "sock-1", "kind": "question", "text": "Över socket"}
    first, created = services.submit_contribution(participant, payload)
    again, created_again = services.submit_contribution(participant, payload)
    assert created and not created_again and first.id == again.id


def test_a_missing_client_id_gets_one_from_the_server(app):
    dialogue = make_dialogue()
    client = _joined(app, dialogue)
    page = client.get(f"/m/{dialogue.join_code}/forberedelse").text
    assert 'name="client_id" type="hidden" value="' in page
    _ask(client, dialogue, "Utan id")
    assert len(db.session.scalar(select(Contribution.client_id))) >= 32


def test_empty_and_too_long_texts_are_refused_and_kept(app):
    dialogue = make_dialogue()
    client = _joined(app, dialogue)
    reflection = dialogue.reflections[1]
    response = _ask(client, dialogue, "   \n ", reflection)
    assert response.status_code == 400
    assert "Skriv din fråga innan du skickar." in response.text
    long_text = "Varför " * 200
    response = _ask(client, dialogue, long_text, reflection, client_id="long-1")
    assert response.status_code == 400
    assert "Korta den till högst 1000 tecken" in response.text
    assert long_text.strip() in response.text  # nothing typed is lost
    assert 'value="long-1"' in response.text  # a resend keeps its id
    assert "<details open>" in response.text
    assert db.session.query(Contribution).count() == 0


def test_a_disagreement_needs_a_reason_and_a_reflection_of_this_dialogue(app):
    dialogue = make_dialogue()
    other_dialogue = make_dialogue(title="En annan")
    client = _joined(app, dialogue)
    response = _ask(client, dialogue, "", dialogue.reflections[0], kind="disagreement")
    assert response.status_code == 400
    assert "Skriv varför ni inte delar bilden." in response.text
    response = _ask(client, dialogue, "Vi tvekar inte att inleda utredningar.",
                    other_dialogue.reflections[0], kind="disagreement")
    assert response.status_code == 400
    assert db.session.query(Contribution).count() == 0
    response = _ask(client, dialogue, "Vi tvekar inte att inleda utredningar.",
                    dialogue.reflections[0], kind="disagreement")
    assert response.status_code == 302
    assert db.session.scalar(select(Contribution.kind)).value == "disagreement"


def test_stance_is_stored_as_pre_and_can_be_changed(app):
    dialogue = make_dialogue()
    client = _joined(app, dialogue)
    reflection = dialogue.reflections[0]
    url = f"/m/{dialogue.join_code}/samsyn"
    assert client.post(url, data={"reflection_id": reflection.id, "value": "agree"}).status_code \
        == 302
    assert client.post(url, data={"reflection_id": reflection.id, "value": "partly"}).status_code \
        == 302
    stances = db.session.scalars(select(Stance)).all()
    assert len(stances) == 1
    assert stances[0].value == StanceValue.PARTLY and stances[0].phase == Phase.PRE
    page = client.get(f"/m/{dialogue.join_code}/forberedelse").text
    assert "Ditt sparade svar:" in page and "Delvis" in page
    response = client.post(url, data={"reflection_id": reflection.id, "value": "kanske"})
    assert response.status_code == 400
    assert "Välj ett av svaren." in response.text


def test_a_participant_of_one_dialogue_can_neither_read_nor_write_another(app):
    dialogue_a = make_dialogue(title="A")
    dialogue_b = make_dialogue(title="B", premoderation=False)
    client = _joined(app, dialogue_a)
    token_a = client.get_cookie(cookie_name(dialogue_a)).value

    # Their cookie for A gives nothing on B's pages.
    response = client.get(f"/m/{dialogue_b.join_code}/forberedelse")
    assert response.status_code == 302 and response.location.endswith(f"/m/{dialogue_b.join_code}")
    response = _ask(client, dialogue_b, "Smyger in en fråga", dialogue_b.reflections[0])
    assert response.status_code == 403
    response = client.post(f"/m/{dialogue_b.join_code}/samsyn",
                           data={"reflection_id": dialogue_b.reflections[0].id, "value": "agree"})
    assert response.status_code == 403

    # Even A's token put into B's cookie is worth nothing there.
    client.set_cookie(cookie_name(dialogue_b), token_a)
    assert client.get(f"/m/{dialogue_b.join_code}/forberedelse").status_code == 302
    assert _ask(client, dialogue_b, "Igen", dialogue_b.reflections[0]).status_code == 403
    assert db.session.query(Contribution).count() == 0
    assert db.session.query(Stance).count() == 0

    # And a reflection of B cannot be reached through A.
    response = client.post(f"/m/{dialogue_a.join_code}/samsyn",
                           data={"reflection_id": dialogue_b.reflections[0].id, "value": "agree"})
    assert response.status_code == 400
    assert db.session.query(Stance).count() == 0


def test_nothing_can_be_sent_once_the_dialogue_is_closed(app):
    dialogue = make_dialogue()
    client = _joined(app, dialogue)
    participant = db.session.scalar(select(Participant))
    dialogue.status = DialogueStatus.CLOSED
    db.session.commit()
    assert _ask(client, dialogue, "För sent").status_code == 410
    try:
        services.submit_contribution(None, {"text": "x"})
    except PermissionDenied:
        pass
    else:  # pragma: no cover
        raise AssertionError("no participant must be refused")
    assert participant is not None
    assert db.session.query(Contribution).count() == 0
