"""Where the room agrees and where its groups split: the figure per reflection, the page that
lists "att prata om" first, the formula page and the minutes; the small-group rule in all."""

import factories as make
from helpers_participants import make_dialogue

from facilitator.accounts.models import User
from facilitator.core import uow
from facilitator.extensions import db
from facilitator.insights import consensus
from facilitator.minutes.compiling import compile_minutes


def _people(dialogue, board, role, n):
    """`n` phones of `board` in `role` join, through the join service."""
    org = next(o for o in dialogue.organizations if o.short_name == board)
    people = [make.join(dialogue, org.id, role) for _ in range(n)]
    uow.commit()  # the factory's one commit
    return people


def _answer(people, reflection, value):
    for person in people:
        make.stance(person, reflection.id, value)
    uow.commit()  # the factory's one commit


def _room(make_user, lone_chef=True):
    """Politicians disagree and social workers agree on the first reflection; everyone agrees
    on the second. One chef (a group of one) disagrees on the first, agrees on the second."""
    facilitator = make_user()
    dialogue = make_dialogue(facilitators=[db.session.get(User, facilitator.id)])
    split, agreed = dialogue.reflections
    politicians = _people(dialogue, "Gnesta", "politiker", 2) + _people(
        dialogue, "Nykvarn", "politiker", 2)
    social_workers = _people(dialogue, "Gnesta", "socialsekreterare", 3) + _people(
        dialogue, "Nykvarn", "socialsekreterare", 3)
    managers = _people(dialogue, "Gnesta", "arbetsledare", 3)
    _answer(politicians, split, "disagree")
    _answer(social_workers, split, "agree")
    _answer(managers, split, "partly")
    _answer(politicians + social_workers + managers, agreed, "agree")
    if lone_chef:
        chef = _people(dialogue, "Nykvarn", "chef", 1)
        _answer(chef, split, "disagree")
        _answer(chef, agreed, "agree")
    return dialogue, split, agreed


def test_smoothed_share_pulls_small_groups_towards_a_half():
    assert consensus.smoothed_share({"agree": 3}) == 0.8
    assert consensus.smoothed_share({"agree": 30}) > 0.96
    assert consensus.smoothed_share({"disagree": 3}) == 0.2
    assert consensus.smoothed_share({"partly": 4}) == 0.5
    assert consensus.smoothed_share({"unknown": 5}) == 0.5  # "vet inte" leans nowhere
    assert consensus.smoothed_share({}) == 0.5


def test_the_widest_split_comes_first_and_an_agreeing_room_scores_near_the_top(app, make_user):
    dialogue, split, agreed = _room(make_user)
    results = consensus.for_dialogue(dialogue)
    assert [r.reflection.id for r in results] == [split.id, agreed.id]
    first, second = results
    assert (first.least.key, first.most.key) == ("politiker", "socialsekreterare")
    assert first.split > 0.6 and first.worth_talking
    assert second.consensus > 0.75 and not second.worth_talking
    assert second.consensus > first.consensus + 0.4
    assert [r.reflection.id for r in consensus.to_talk_about(dialogue)] == [split.id]


def test_no_group_smaller_than_the_limit_is_scored_named_or_sent(app, make_user):
    dialogue, split, agreed = _room(make_user)
    for result in consensus.for_dialogue(dialogue):
        assert all(g.n >= 3 for g in result.groups)
        assert "chef" not in {g.key for g in result.groups}
        data = consensus.as_dict(result)
        assert "chef" not in str(data).lower().replace("chefer", "")
        assert data["most"]["n"] >= 3 and data["least"]["n"] >= 3
    # The lone chef still counts in the room: 14 answers on each reflection.
    assert {r.n for r in consensus.for_dialogue(dialogue)} == {14}
    # With the limit raised above every group, there is no split to tell at all.
    app.config["MIN_GROUP_SIZE"] = 20
    assert all(r.split is None and r.groups == [] for r in consensus.for_dialogue(dialogue))


def test_the_page_lists_what_to_talk_about_and_explains_the_formula(app, client, auth,
                                                                  make_user):
    dialogue, split, agreed = _room(make_user)
    auth.login()
    page = client.get(f"/dialoger/{dialogue.id}/samsyn")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    talk = html.split('id="talk-heading"', 1)[1].split("</section>", 1)[0]
    assert split.title in talk and agreed.title not in talk
    assert "Socialsekreterare håller med till" in talk and "politiker till" in talk
    table = html.split('id="consensus-table"', 1)[1].split("</table>", 1)[0]
    assert table.index(split.title) < table.index(agreed.title)
    assert "Chef" not in html
    assert "färre än 3 svar redovisas inte separat" in html
    about = client.get("/om-samsyn").get_data(as_text=True)
    assert "håller med + hälften av delvis + 1" in about and "Polis" in about
    detail = client.get(f"/dialoger/{dialogue.id}").get_data(as_text=True)
    assert f"/dialoger/{dialogue.id}/samsyn" in detail


def test_only_the_dialogues_facilitators_see_its_figures(app, client, auth, make_user):
    dialogue, _split, _agreed = _room(make_user)
    assert client.get(f"/dialoger/{dialogue.id}/samsyn").status_code in (302, 401)
    make_user(email="olle@ivo.se", name="Olle Annan")
    auth.login(email="olle@ivo.se")
    assert client.get(f"/dialoger/{dialogue.id}/samsyn").status_code == 403
    assert client.get("/dialoger/999999/samsyn").status_code == 404


def test_the_minutes_list_what_to_talk_about(app, make_user):
    dialogue, split, _agreed = _room(make_user)
    talk = compile_minutes(dialogue)["to_talk_about"]
    assert [t["reflection_id"] for t in talk] == [split.id]
    assert talk[0]["least"]["key"] == "politiker"


def test_the_console_fetches_what_to_talk_about_as_json(app, client, auth, make_user):
    dialogue, split, agreed = _room(make_user)
    auth.login()
    data = client.get(f"/dialoger/{dialogue.id}/samsyn.json").get_json()
    assert [r["reflection_id"] for r in data["to_talk_about"]] == [split.id]
    assert [r["reflection_id"] for r in data["reflections"]] == [split.id, agreed.id]
    assert all(g["n"] >= 3 for r in data["reflections"] for g in r["groups"])
    console = client.get(f"/dialoger/{dialogue.id}/mote").get_data(as_text=True)
    assert 'id="c-talk-section"' in console and "consensus-panel.js" in console
    assert "{most} håller med till {a} %" in console


def test_roles_and_boards_side_by_side_give_no_lone_answer_away(app, make_user):
    """Gnesta: ten socialsekreterare and the one politiker; Nykvarn: nine arbetsledare. On
    its own each axis looks safe (Övriga: the politiker with the arbetsledare), but Gnesta
    beside socialsekreterare would be the politiker's answer. The boards give way."""
    facilitator = make_user()
    dialogue = make_dialogue(facilitators=[db.session.get(User, facilitator.id)])
    split, _agreed = dialogue.reflections
    _answer(_people(dialogue, "Gnesta", "socialsekreterare", 10), split, "agree")
    _answer(_people(dialogue, "Gnesta", "politiker", 1), split, "disagree")
    _answer(_people(dialogue, "Nykvarn", "arbetsledare", 9), split, "partly")
    [result] = [r for r in consensus.for_dialogue(dialogue) if r.reflection.id == split.id]
    assert [(g.axis, g.key, g.n) for g in result.groups] == [
        ("role", "socialsekreterare", 10), ("role", "_other", 10)]
