"""Joining a dialogue with its code: the code form, the join link, the profile and the cookie."""

import hashlib

import factories as make
from helpers_participants import cookie_name, join, make_dialogue, org_value
from sqlalchemy import select

from facilitator.core import uow
from facilitator.dialogues.models import DialogueStatus
from facilitator.extensions import db
from facilitator.participants import services
from facilitator.participants.models import Participant, Role


def test_code_typed_in_any_case_with_spaces_or_dashes_finds_the_dialogue(app, client):
    dialogue = make_dialogue()
    code = dialogue.join_code
    for typed in (code, code.lower(), f"{code[:3]}-{code[3:]}".lower(), f" {code[:3]} {code[3:]} "):
        response = client.post("/delta", data={"code": typed})
        assert response.status_code == 302, typed
        assert response.location.endswith(f"/m/{code}")


def test_the_start_page_has_the_code_form(client):
    page = client.get("/").text
    assert 'action="/delta"' in page
    assert 'for="join-code"' in page


def test_unknown_draft_closed_and_archived_codes_get_clear_swedish_messages(app, client):
    response = client.post("/delta", data={"code": "XXXXXX"})
    assert response.status_code == 404
    assert "Det finns ingen dialog med den koden" in response.text
    assert 'aria-invalid="true"' in response.text  # the message sits at the field

    draft = make_dialogue(status="draft", title="Utkast")
    response = client.post("/delta", data={"code": draft.join_code})
    assert response.status_code == 409
    assert "inte öppnad för deltagare än" in response.text

    closed = make_dialogue(status="closed", title="Avslutad")
    response = client.get(f"/m/{closed.join_code}")
    assert response.status_code == 410
    assert "Mötet är avslutat" in response.text

    # Archiving frees the code (the life cycle's step): the old code finds nothing.
    archived = make_dialogue(status="closed", title="Arkiverad")
    old_code = archived.join_code
    make.step(archived.facilitators[0], archived.id, DialogueStatus.ARCHIVED)
    uow.commit()
    response = client.get(f"/m/{old_code}/profil")
    assert response.status_code == 404
    assert "Det finns ingen dialog med den koden" in response.text
    assert db.session.scalar(select(Participant.id)) is None


def test_wrong_codes_are_rate_limited_with_a_swedish_message(app, client):
    dialogue = make_dialogue()
    # A right code does not count against the limit.
    for _ in range(12):
        assert client.post("/delta", data={"code": dialogue.join_code}).status_code == 302
    for _ in range(10):
        assert client.post("/delta", data={"code": "QQQQQQ"}).status_code == 404
    response = client.post("/delta", data={"code": "QQQQQQ"})
    assert response.status_code == 429
    assert "För många försök med fel kod. Vänta en minut och försök igen." in response.text
    # The join link shares the limit, so guessing by URL is no way round it.
    assert client.get("/m/QQQQQQ").status_code == 429


def test_join_flow_sets_a_safe_cookie_and_stores_only_its_hash(app, client):
    dialogue = make_dialogue()
    page = client.get(f"/m/{dialogue.join_code}")
    assert page.status_code == 200
    assert "Ingen nämnd / IVO" in page.text and "Gnesta" in page.text
    assert "Politiker" in page.text
    assert 'name="name"' not in page.text  # pseudonymous: no name asked for
    assert "Nämnd · roll" in page.text

    response = join(client, dialogue, "Gnesta", "arbetsledare")
    assert response.status_code == 302
    assert response.location.endswith(f"/m/{dialogue.join_code}/forberedelse")
    cookie = client.get_cookie(cookie_name(dialogue))
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    assert len(cookie.value) >= 43

    participant = db.session.scalar(select(Participant))
    assert participant.token_hash == hashlib.sha256(cookie.value.encode()).hexdigest()
    assert participant.role == Role.ARBETSLEDARE
    assert participant.organization.short_name == "Gnesta"
    assert participant.name is None


def test_cookie_is_secure_over_https(app, client):
    dialogue = make_dialogue()
    client.post(f"/m/{dialogue.join_code}/profil", base_url="https://localhost",
                data={"organization": "none", "role": "ivo"})
    cookie = client.get_cookie(cookie_name(dialogue), domain="localhost")
    assert cookie.secure


def test_the_same_phone_coming_back_is_the_same_participant(app, client):
    dialogue = make_dialogue()
    join(client, dialogue, "Gnesta", "chef")
    again = client.get(f"/m/{dialogue.join_code.lower()}")
    assert again.status_code == 302
    assert again.location.endswith("/forberedelse")
    # Sending the profile form again (a second tab) changes the profile, not the count.
    join(client, dialogue, "Nykvarn", "politiker")
    participants = db.session.scalars(select(Participant)).all()
    assert len(participants) == 1
    assert participants[0].role == Role.POLITIKER

    other_phone = app.test_client()
    assert other_phone.get(f"/m/{dialogue.join_code}").status_code == 200
    join(other_phone, dialogue, "Gnesta", "chef")
    assert db.session.query(Participant).count() == 2


def test_profile_can_change_until_the_meeting_starts(app, client):
    dialogue = make_dialogue()
    join(client, dialogue, "Gnesta", "socialsekreterare")
    page = client.get(f"/m/{dialogue.join_code}/profil")
    assert page.status_code == 200 and 'selected' in page.text and "Spara" in page.text

    dialogue.status = DialogueStatus.LIVE
    db.session.commit()
    page = client.get(f"/m/{dialogue.join_code}/profil")
    assert "Mötet har börjat" in page.text
    assert "<select" not in page.text
    response = join(client, dialogue, "Nykvarn", "chef")
    assert response.status_code == 409
    assert "kan inte ändras längre" in response.text
    participant = db.session.scalar(select(Participant))
    assert participant.role == Role.SOCIALSEKRETERARE

    # New people can still join a meeting that is under way.
    assert join(app.test_client(), dialogue, "Nykvarn", "chef").status_code == 302


def test_profile_validation_keeps_what_was_typed(app, client):
    dialogue = make_dialogue(mode="named")
    response = client.post(f"/m/{dialogue.join_code}/profil",
                           data={"organization": "", "role": "", "name": "Anna Berg"})
    assert response.status_code == 400
    assert "Välj vilken nämnd du deltar för." in response.text
    assert "Välj din roll." in response.text
    assert 'value="Anna Berg"' in response.text
    response = client.post(f"/m/{dialogue.join_code}/profil",
                           data={"organization": "99999", "role": "kung"})
    assert response.status_code == 400
    assert "Välj en av nämnderna i listan." in response.text
    assert db.session.scalar(select(Participant.id)) is None


def test_a_board_of_another_dialogue_is_refused(app, client):
    mine = make_dialogue(boards=("Gnesta",))
    other = make_dialogue(boards=("Södermalm",), title="Stockholm")
    response = client.post(f"/m/{mine.join_code}/profil",
                           data={"organization": org_value(other, "Södermalm"), "role": "chef"})
    assert response.status_code == 400
    assert db.session.scalar(select(Participant.id)) is None


def test_names_only_in_named_dialogues_and_never_when_flagged(app, client):
    pseudonymous = make_dialogue()
    join(client, pseudonymous, "Gnesta", "chef", name="Anna Berg")
    assert db.session.scalar(select(Participant.name)) is None

    named = make_dialogue(mode="named", title="Med namn")
    assert 'name="name"' in client.get(f"/m/{named.join_code}").text
    join(client, named, "Gnesta", "chef", name="Anna Berg")
    anna = db.session.scalar(select(Participant).where(Participant.dialogue_id == named.id))
    assert services.display_name(anna) == "Anna Berg · Gnesta"

    phone = app.test_client()
    join(phone, named, "Gnesta", "socialsekreterare", name="Kalle 811218-9876")
    flagged = db.session.scalar(
        select(Participant).where(Participant.dialogue_id == named.id, Participant.id != anna.id)
    )
    assert flagged.name_flagged
    assert "811218" not in services.display_name(flagged)
    assert services.display_name(flagged) == "Gnesta"
