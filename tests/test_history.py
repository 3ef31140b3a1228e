"""A board's history across supervisions, and the recurring deficiency offered when the next
dialogue is prepared (on the demo's Gnesta dialogues of 2016 and 2019)."""

import pytest
from conftest import PASSWORD
from helpers_dialogues import make_dialogue, make_org
from helpers_followups import user
from sqlalchemy import select

from facilitator.accounts.models import User
from facilitator.demo import data
from facilitator.dialogues.models import Dialogue
from facilitator.errors import NotFound
from facilitator.extensions import db
from facilitator.followups import links
from facilitator.history import services
from facilitator.organizations.models import Organization
from facilitator.themes.models import Theme

CHILD = "Barnets inställning och barnets röst"


@pytest.fixture
def demo(app, make_user):
    make_user("demo@ivo.se", "Demo", is_admin=True)
    data.load()
    facilitator = db.session.scalar(select(User).where(User.email == "demo@ivo.se"))
    gnesta = db.session.scalar(select(Organization).where(Organization.short_name == "Gnesta"))
    return facilitator, gnesta


def test_the_demo_holds_gnesta_2016_and_2019_with_a_recurring_theme(demo):
    facilitator, gnesta = demo
    page = services.board_history(facilitator, gnesta.id)
    years = [e["year"] for e in page["entries"]]
    assert years[:2] == [2016, 2019] and years == sorted(years)
    recurring = {row["theme"].name: row["years"] for row in page["themes"]}
    assert recurring[CHILD][:2] == [2016, 2019]
    first = page["entries"][0]
    [child_2016] = [d for d in first["deficiencies"]
                    if CHILD in [t.name for t in d["reflection"].themes]]
    assert [i.status.value for i in child_2016["items"]] == ["done"]


def test_preparing_a_new_dialogue_offers_the_recurring_deficiency_and_brings_it_in(demo,
                                                                                  client, auth):
    facilitator, gnesta = demo
    new = make_dialogue(facilitator, title="Gnesta 2026", starts_at="2026-12-20T09:00",
                        organization_ids=[gnesta.id])
    offers = services.recurring_deficiencies(facilitator, new.id)
    child = next(o for o in offers if o.theme.name == CHILD)
    assert child.recurring and child.years == [2016, 2019]
    assert child.summary().startswith(
        "Återkommande brist: barnets inställning och barnets röst, 2016 och 2019; "
        "åtgärd 2016 redovisad som genomförd")
    assert offers[0].recurring  # recurring themes first

    from facilitator.dialogues import services as dialogue_services

    brought = services.bring_in(facilitator, new.id, child.latest.id, gnesta.id)
    assert brought.origin is child.latest
    assert [t.name for t in brought.themes] == [CHILD]
    assert brought.title == child.latest.title and brought.evidence == ""
    again = next(o for o in services.recurring_deficiencies(facilitator, new.id)
                 if o.theme.name == CHILD)
    assert again.brought_in is brought

    page = services.board_history(facilitator, gnesta.id)
    titles = [e["dialogue"].title for e in page["entries"]]
    assert titles.index("Gnesta 2026") > titles.index(page["entries"][1]["dialogue"].title)
    assert services.board_history(facilitator, gnesta.id)["themes"][0]["years"][-1] == 2026
    assert dialogue_services  # the copy went through the dialogue's own service

    auth.login("demo@ivo.se", "ett-langt-testlosenord")


def test_a_board_sees_only_its_own_history_never_a_draft(demo, client):
    facilitator, gnesta = demo
    other = make_org(facilitator, name="Socialnämnden i Trosa kommun", short_name="Trosa")
    draft = make_dialogue(facilitator, title="Utkast Gnesta 2027", organization_ids=[gnesta.id])
    trosa_dialogue = make_dialogue(facilitator, title="Trosa 2020",
                                   organization_ids=[other.id])
    staff = user("chef@gnesta.se", "Chef Gnesta", organization_id=gnesta.id)
    page = services.board_history(staff, other.id)  # the id given is ignored: its own board
    assert page["organization"] == gnesta
    titles = [e["dialogue"].title for e in page["entries"]]
    assert draft.title not in titles and trosa_dialogue.title not in titles
    assert len(titles) >= 2

    client.post("/logga-in", data={"email": "chef@gnesta.se",
                                   "password": "ett-langt-testlosenord"})
    html = client.get("/namnd/historik").get_data(as_text=True)
    assert "Historik för Socialnämnden i Gnesta kommun" in html
    assert "Rutin för att inhämta och dokumentera barnets inställning" in html
    assert "Trosa" not in html and draft.title not in html
    assert client.get(f"/organisationer/{other.id}/historik").status_code == 403

    # Through a review link: the same board's history, nothing of another board.
    gnesta_2019 = db.session.scalar(select(Dialogue).where(Dialogue.title.like("Dialogmöte 2019%")))
    _link, token = links.create_review_link(facilitator, gnesta_2019.id,
                                            {"organization_id": gnesta.id, "days": 30})
    client.post("/logga-ut")
    response = client.get(f"/granskning/{token}/historik")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Historik för Socialnämnden i Gnesta kommun" in html and "Trosa" not in html
    assert client.get("/granskning/fel-token/historik").status_code == 404


def test_a_facilitator_reads_only_the_dialogues_they_may_manage(demo, make_user):
    facilitator, gnesta = demo
    bo = make_user("bo@ivo.se", "Bo")
    mine = make_dialogue(bo, title="Bos Gnesta-dialog", organization_ids=[gnesta.id])
    page = services.board_history(bo, gnesta.id)
    assert [e["dialogue"] for e in page["entries"]] == [mine]
    assert services.recurring_deficiencies(bo, mine.id) == []
    with pytest.raises(NotFound):
        services.board_history(bo, 999999)
    assert db.session.scalar(select(Theme).where(Theme.name == CHILD))


def test_the_history_lists_the_decision_and_the_boards_redovisning_versions(demo, client):
    from datetime import UTC, date, datetime

    import factories as make

    from facilitator.core import uow

    facilitator, gnesta = demo
    d2019 = db.session.scalar(select(Dialogue).where(Dialogue.title.like("Dialogmöte 2019%")))
    staff = user("chef@gnesta.se", "Chef Gnesta", organization_id=gnesta.id)
    # IVO decides; Gnesta's staff fill in the measures and submit; IVO asks for more; Gnesta
    # submits again; IVO acknowledges. Through the decisions services, as their pages do.
    decision = make.decision(facilitator, d2019.id, date(2019, 6, 20), "8.5-12345/2018",
                             date(2019, 9, 30))
    make.measures(staff, d2019.id)
    first = make.submit_report(staff, d2019.id)
    make.review_report(facilitator, d2019.id, first, "additions_requested", "Tidplan saknas.")
    second = make.submit_report(staff, d2019.id)
    make.review_report(facilitator, d2019.id, second, "acknowledged")
    # The redovisning of 2019 was sent and answered in 2019; the services stamp the present.
    for version, day in ((first, 10), (second, 25)):
        make.backdate(version, submitted_at=datetime(2019, 9, day, 9, tzinfo=UTC),
                      reviewed_at=datetime(2019, 9, day + 3, 9, tzinfo=UTC))
    uow.commit()  # the factory's one commit
    entry = next(e for e in services.board_history(facilitator, gnesta.id)["entries"]
                 if e["dialogue"] == d2019)
    assert entry["decision"] == decision and [v.version for v in entry["reports"]] == [1, 2]
    assert staff
    client.post("/logga-in", data={"email": "chef@gnesta.se",
                                   "password": "ett-langt-testlosenord"})
    html = " ".join(client.get("/namnd/historik").get_data(as_text=True).split())
    assert "diarienummer 8.5-12345/2018" in html
    assert "Version 1, inskickad" in html and "IVO begär komplettering – " in html
    assert "Tidplan saknas." in html and "Mottagen av IVO" in html


def test_the_history_shows_the_boards_own_stances_under_the_small_group_rule(demo, client):
    facilitator, gnesta = demo
    page = services.board_history(facilitator, gnesta.id)
    first = page["entries"][0]
    [child_2016] = [d for d in first["deficiencies"]
                    if CHILD in [t.name for t in d["reflection"].themes]]
    [stance] = child_2016["stance"].values()
    board_row, *role_rows = stance["rows"]
    assert board_row["label"] == "Nämnden" and board_row["n"] == stance["n"] >= 3
    # 2016 had two chefer: never shown on their own, nor left to subtract from the rest.
    assert "Chef" not in [r["label"] for r in role_rows]
    assert all(r["n"] >= 3 for r in role_rows)
    assert sum(r["n"] for r in role_rows) in (0, board_row["n"])
    # A board with fewer answers than the limit shows no figures at all.
    assert services.board_stance({"chef": {"agree": 1}, "politiker": {"disagree": 1}}) == {
        "n": 2, "withheld": True, "rows": []}
    assert services.board_stance({}) is None

    client.post("/logga-in", data={"email": "demo@ivo.se", "password": PASSWORD})
    html = client.get(f"/organisationer/{gnesta.id}/historik").get_data(as_text=True)
    assert "Nämndens samsyn under mötet" in html or "Nämndens samsyn före mötet" in html


def test_a_boards_roles_are_weighed_against_the_whole_rooms_results(app, make_user):
    """Nyköping's own roles (arbetsledare 3 and 3 others) look safe on their own, but the
    room's results show Övriga 5 (the chef, the politiker and the arbetsledare): 5 - 3
    would be the chef's and the politiker's answers. So Nyköping shows only its total."""
    import factories as make
    from helpers_minutes import build_meeting

    from facilitator.contributions.models import Phase
    from facilitator.core import uow
    from facilitator.dialogues.models import DialogueStatus
    from facilitator.participants.models import Participant

    fac = make_user("fac@ivo.se", "Fia Facilitator")
    built = build_meeting(db.session, [fac])
    nykoping = db.session.scalar(select(Organization).where(
        Organization.short_name == "Nyköping", Organization.name.like("%Nyköping%")))
    first = built.reflection_ids[0]
    dialogue = db.session.get(Dialogue, built.dialogue_id)
    for role in ("socialsekreterare", "arbetsledare", "arbetsledare", "arbetsledare"):
        make.stance(make.join(dialogue, nykoping.id, role), first, "agree", "live")
    ss3 = db.session.scalar(select(Participant).where(
        Participant.organization_id == nykoping.id, Participant.role == "socialsekreterare"))
    make.stance(ss3, first, "partly", "live")
    make.step(db.session.get(User, fac.id), built.dialogue_id, DialogueStatus.CLOSED)
    uow.commit()
    page = services.board_history(db.session.get(User, fac.id), nykoping.id)
    [entry] = page["entries"]
    [row] = [d for d in entry["deficiencies"] if d["reflection"].id == first]
    live = row["stance"][Phase.LIVE]
    assert [(r["label"], r["n"]) for r in live["rows"]] == [("Nämnden", 6)]
    # Judged on the board alone, its arbetsledare would be shown.
    alone = services.board_stance({"politiker": {"disagree": 1},
                                   "socialsekreterare": {"agree": 1, "partly": 1},
                                   "arbetsledare": {"agree": 3}})
    assert "Arbetsledare" in [r["label"] for r in alone["rows"]]
