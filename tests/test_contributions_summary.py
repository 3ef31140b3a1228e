"""The facilitators' preparation summary: stances by role and by board, questions so far."""

import re

import factories as make
from helpers_participants import make_dialogue
from sqlalchemy import select

from facilitator.accounts.models import User
from facilitator.contributions import services
from facilitator.contributions.models import ContributionKind
from facilitator.core import uow
from facilitator.extensions import db
from facilitator.participants.models import Participant, Role


def _participant(dialogue, board, role):
    """A phone joins through the service (the factory commits)."""
    org = next((o for o in dialogue.organizations if o.short_name == board), None)
    participant = make.join(dialogue, org.id if org else None, Role(role))
    uow.commit()
    return participant


def _row(html: str, caption_start: str, label: str) -> list[int]:
    """The numbers in the row `label` of the table whose caption starts with `caption_start`."""
    table = html.split(f'<caption class="visually-hidden">{caption_start}', 1)[1]
    table = table.split("</table>", 1)[0]
    row = table.split(f'<th scope="row">{label}</th>', 1)[1].split("</tr>", 1)[0]
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]


def _setup(make_user):
    facilitator = make_user()
    dialogue = make_dialogue(facilitators=[db.session.get(User, facilitator.id)])
    first, second = dialogue.reflections
    people = {
        "g_ss1": _participant(dialogue, "Gnesta", "socialsekreterare"),
        "g_ss2": _participant(dialogue, "Gnesta", "socialsekreterare"),
        "g_chef": _participant(dialogue, "Gnesta", "chef"),
        "n_ss": _participant(dialogue, "Nykvarn", "socialsekreterare"),
        "ivo": _participant(dialogue, None, "ivo"),
    }
    votes = {"g_ss1": "disagree", "g_ss2": "partly", "g_chef": "agree", "n_ss": "disagree",
             "ivo": "agree"}
    for key, value in votes.items():
        services.set_stance(people[key], {"reflection_id": first.id, "value": value})
    services.set_stance(people["g_chef"], {"reflection_id": second.id, "value": "agree"})
    services.set_stance(people["g_chef"], {"reflection_id": second.id, "value": "unknown"})
    services.submit_contribution(people["n_ss"], {
        "kind": "disagreement", "reflection_id": second.id,
        "text": "Vi tvekar inte att inleda utredningar.",
    })
    services.submit_contribution(people["g_ss1"], {
        "kind": "question", "reflection_id": first.id, "text": "Gäller det 811218-9876?",
    })
    services.submit_contribution(people["ivo"], {"kind": "question", "text": "Allmän fråga"})
    db.session.commit()  # the entry point commits
    return dialogue, facilitator


def test_summary_leaves_out_groups_below_the_limit(app, client, auth, make_user):
    dialogue, _facilitator = _setup(make_user)
    first, second = dialogue.reflections
    auth.login()
    html = client.get(f"/dialoger/{dialogue.id}/sammanfattning").text
    first_part = html.split(f'id="s-{first.id}"', 1)[1].split(f'id="s-{second.id}"', 1)[0]
    # Socialsekreterare 3, chef 1, IVO 1: chef and IVO together are 2, and socialsekreterare
    # alone would give them away as 5 - 3; so no breakdown, only the total.
    assert "5 svar:" in first_part and "Svar efter roll" not in first_part
    assert "Svar efter nämnd" not in first_part and ">Chef<" not in first_part
    assert "För få svar för att visa per grupp." in first_part
    assert "Grupper med färre än 3 svar redovisas inte separat" in html


def test_summary_counts_stances_by_role_and_by_board(app, client, auth, make_user):
    app.config["MIN_GROUP_SIZE"] = 1  # every group shown: this is about the counting
    dialogue, _facilitator = _setup(make_user)
    first, second = dialogue.reflections
    auth.login()
    response = client.get(f"/dialoger/{dialogue.id}/sammanfattning")
    assert response.status_code == 200
    html = response.text
    first_part = html.split(f'id="s-{first.id}"', 1)[1].split(f'id="s-{second.id}"', 1)[0]
    # Columns: agree, partly, disagree, unknown, total.
    assert _row(first_part, "Svar efter roll", "Socialsekreterare") == [0, 1, 2, 0, 3]
    assert _row(first_part, "Svar efter roll", "Chef") == [1, 0, 0, 0, 1]
    assert _row(first_part, "Svar efter roll", "IVO") == [1, 0, 0, 0, 1]
    assert _row(first_part, "Svar efter nämnd", "Gnesta") == [1, 1, 1, 0, 3]
    assert _row(first_part, "Svar efter nämnd", "Nykvarn") == [0, 0, 1, 0, 1]
    assert _row(first_part, "Svar efter nämnd", "Ingen nämnd / IVO") == [1, 0, 0, 0, 1]
    assert "5 svar:" in first_part and "Håller inte med 2 (40 %)" in first_part
    assert 'class="bar-seg disagree w-40"' in first_part
    # A changed stance counts once, as it is now.
    second_part = html.split(f'id="s-{second.id}"', 1)[1]
    assert _row(second_part, "Svar efter roll", "Chef") == [0, 0, 0, 1, 1]
    # Both reflections need talking about: 3 of 5 doubt the first, the second has a
    # disagreement (listed first).
    talk = html.split('id="talk-h"', 1)[1].split("</section>", 1)[0]
    assert talk.index(second.title) < talk.index(first.title)
    assert "3 av 5 håller inte med eller bara delvis" in talk
    assert "Vi tvekar inte att inleda utredningar." in second_part
    assert "Kan innehålla personnummer – visas bara för samordnare" in first_part
    assert "Allmän fråga" in html
    assert ' style="' not in html


def test_summary_service_numbers(app, make_user):
    dialogue, facilitator = _setup(make_user)
    summary = services.preparation_summary(facilitator, dialogue.id)
    first = summary["reflections"][0]
    assert first["total"]["total"] == 5 and first["total"]["doubt"] == 3
    assert first["talk"]
    assert summary["counts"][ContributionKind.QUESTION] == 2
    assert summary["participant_count"] == 5


def test_summary_is_for_the_dialogues_facilitators_and_admins_only(app, client, auth, make_user):
    dialogue, _facilitator = _setup(make_user)
    url = f"/dialoger/{dialogue.id}/sammanfattning"
    response = client.get(url)
    assert response.status_code == 302 and "/logga-in" in response.location

    make_user(email="bo@ivo.se", name="Bo Bengtsson")
    auth.login("bo@ivo.se")
    response = client.get(url)
    assert response.status_code == 403
    assert "Vi tvekar inte" not in response.text
    auth.logout()

    make_user(email="admin@ivo.se", name="Ada Admin", is_admin=True)
    auth.login("admin@ivo.se")
    assert client.get(url).status_code == 200
    assert client.get("/dialoger/99999/sammanfattning").status_code == 404


def test_participants_cannot_open_the_summary(app, make_user):
    dialogue, _facilitator = _setup(make_user)
    phone = app.test_client()
    from helpers_participants import join

    join(phone, dialogue, "Gnesta", "chef")
    response = phone.get(f"/dialoger/{dialogue.id}/sammanfattning")
    assert response.status_code == 302 and "/logga-in" in response.location
    assert db.session.scalar(select(Participant.id).where(Participant.dialogue_id != dialogue.id)) \
        is None
