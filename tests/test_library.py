"""The library of shared good examples: consent when writing, a facilitator's approval, and
Swedish full-text search with the same results on SQLite (FTS5) and PostgreSQL."""

import factories as make
import pytest
from helpers_dialogues import make_dialogue, make_org, make_reflection
from helpers_followups import user

from facilitator import create_app
from facilitator.contributions import services as contributions
from facilitator.core import uow
from facilitator.errors import Conflict, NotAuthenticated
from facilitator.extensions import db
from facilitator.followups import links
from facilitator.library import search, services
from facilitator.participants.models import Role
from facilitator.themes import services as themes

EXAMPLES = {
    "gnesta": "Vi har en samtalsmall för barnsamtal i utredningen, och vi dokumenterar "
              "alltid varför ett samtal inte blev av.",
    "solna": "Mottagningen gör förhandsbedömningar i par och bevakar 14-dagarsgränsen "
             "varje morgon.",
    "farsta": "Våra utredare följer upp varje avslutad utredning med ett samtal till "
              "familjen efter tre månader.",
}


@pytest.fixture(params=["sqlite", "postgres"])
def db_app(request):
    """The app on in-memory SQLite, or on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield request.getfixturevalue("app")
        return
    url = request.getfixturevalue("postgres_url")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _write(dialogue, org, text, consent, role=Role.SOCIALSEKRETERARE, reflection=None):
    participant = make.join(dialogue, org.id, role)  # a phone joins the published dialogue
    item, created = contributions.submit_contribution(participant, {
        "kind": "good_example", "text": text, "share_consent": consent,
        "reflection_id": reflection.id if reflection else ""})
    uow.commit()  # the factory's one commit, as the phone's page commits
    assert created
    return item


@pytest.fixture
def library(db_app):
    themes.seed_defaults()
    anna = make.user("anna@ivo.se", "Anna", "x" * 12)
    uow.commit()  # the factory's one commit
    child = next(t for t in themes.ordered() if t.name.startswith("Barnets"))
    boards = {key: make_org(anna, name=f"Socialnämnden {key}", short_name=key.title())
              for key in EXAMPLES}
    stored = {}
    for n, (key, text) in enumerate(EXAMPLES.items()):
        dialogue = make_dialogue(anna, title=f"Dialog {n}", premoderation=False,
                                 starts_at=f"201{n + 4}-05-09T09:00",
                                 organization_ids=[boards[key].id])
        reflection = make_reflection(anna, dialogue, theme_ids=[child.id])
        from facilitator.dialogues import services as dialogue_services

        dialogue_services.transition(anna, dialogue.id, "published")
        uow.commit()  # the entry point commits
        stored[key] = _write(dialogue, boards[key], text, consent=key != "farsta",
                             reflection=reflection)
    return anna, boards, stored, child


def test_swedish_search_finds_inflected_words_only_among_shared_examples(library):
    anna, boards, stored, child = library
    with pytest.raises(Conflict):  # the board did not agree when writing it
        services.share(anna, stored["farsta"].dialogue_id, stored["farsta"].id)
    for key in ("gnesta", "solna"):
        services.share(anna, stored[key].dialogue_id, stored[key].id)

    def found(query, **filters):
        return [r["id"] for r in services.find(anna, query, **filters)]

    # "utredningar" finds "utredningen" (Gnesta), never the unshared Farsta "utredning".
    assert found("utredningar") == [stored["gnesta"].id]
    assert found("förhandsbedömning") == [stored["solna"].id]
    assert found("samtalen barnet") == []  # every word must match: "barnet" is not in it
    assert found("barnsamtal dokumentera") == [stored["gnesta"].id]
    assert found("och att") == []  # stop words only
    assert found("familjen") == []  # only in the unshared example
    assert set(found("")) == {stored["gnesta"].id, stored["solna"].id}
    assert found("", organization_id=boards["solna"].id) == [stored["solna"].id]
    assert set(found("", theme_id=child.id)) == {stored["gnesta"].id, stored["solna"].id}
    assert found("dagarsgränsen") == [stored["solna"].id]  # "14-dagarsgränsen"

    services.unshare(anna, stored["solna"].dialogue_id, stored["solna"].id)
    assert found("förhandsbedömningar") == []


def test_the_same_words_on_both_engines():
    # The query and the index go through the same steps as PostgreSQL's `swedish`.
    assert search.words("Utredningar och utredningen") == ["utredning", "utredning"]
    assert search.words("det är att") == []


def test_a_board_reads_other_boards_shared_examples_and_nothing_else(library, db_app):
    client = db_app.test_client()
    anna, boards, stored, child = library
    services.share(anna, stored["solna"].dialogue_id, stored["solna"].id)
    staff = user("chef@gnesta.se", "Chef", organization_id=boards["gnesta"].id)
    rows = services.find(staff, "")
    assert [r["id"] for r in rows] == [stored["solna"].id]
    assert rows[0]["board"] == boards["solna"]
    assert "participant" not in rows[0] and "role" not in rows[0]

    _link, token = links.create_review_link(anna, stored["gnesta"].dialogue_id,
                                            {"organization_id": boards["gnesta"].id, "days": 9})
    response = client.get(f"/granskning/{token}/goda-exempel?q=förhandsbedömningarna")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[-3000:]
    assert "Mottagningen gör förhandsbedömningar i par" in html
    assert EXAMPLES["gnesta"] not in html and EXAMPLES["farsta"] not in html
    assert "Socialsekreterare" not in html
    with pytest.raises(NotAuthenticated):
        services.find(None, "")
