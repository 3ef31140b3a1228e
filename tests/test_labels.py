"""An enum's labels are written once, beside the enum: the live screens (the facilitator's
console and the participant's phone) show exactly those words, in Swedish and in English, and
a label changed beside its enum changes on the screens too (a template that wrote a label of
its own would keep the old word)."""

import html as markup
import json
import re

import pytest
from flask_babel import force_locale
from helpers_dialogues import published_with_phone
from helpers_live import PASSWORD

from facilitator.contributions import models as contributions
from facilitator.dialogues import models as dialogues
from facilitator.participants import models as participant_models
from facilitator.participants import services as participants

# What the live screens' scripts get, by the name they read it under, and the dict it is.
LIVE = {
    "roles": participant_models.ROLE_LABELS,
    "stances": contributions.STANCE_LABELS,
    "kinds": contributions.KIND_LABELS,
    "reflection_kinds": dialogues.KIND_LABELS,
    "statuses": dialogues.STATUS_LABELS,
    "item_statuses": contributions.STATUS_LABELS,
}


@pytest.fixture
def room(app, make_user):
    return published_with_phone(make_user())


def pages(app, room, lang):
    """The console (as its facilitator) and the phone (as a participant), in `lang`."""
    dialogue, token = room
    facilitator, phone = app.test_client(), app.test_client()
    for client in (facilitator, phone):
        client.post("/sprak", data={"lang": lang, "next": "/"})
    facilitator.post("/logga-in", data={"email": "anna@ivo.se", "password": PASSWORD})
    phone.set_cookie(participants.cookie_name(dialogue), token)
    console = facilitator.get(f"/dialoger/{dialogue.id}/mote")
    mobile = phone.get(f"/m/{dialogue.join_code}/mote")
    assert console.status_code == mobile.status_code == 200
    return console.get_data(as_text=True), mobile.get_data(as_text=True)


def live_labels(html):
    block = re.search(r'<script type="application/json" id="live-labels">(.*?)</script>',
                      html, re.S)
    return json.loads(block.group(1))


def expected(lang):
    with force_locale(lang):
        return {name: {key.value: str(label) for key, label in labels.items()}
                for name, labels in LIVE.items()}


def shown_stances(phone_html):
    return [markup.unescape(label) for label in
            re.findall(r'name="live-stance" value="[a-z]+"> <span>([^<]*)</span>', phone_html)]


def status_line(console_html):
    return markup.unescape(re.search(r'<span id="c-status-text">([^<]*)</span>',
                                     console_html).group(1))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_live_screens_show_the_labels_beside_the_enums(app, room, lang):
    console, phone = pages(app, room, lang)
    words = expected(lang)
    for html in (console, phone):
        labels = live_labels(html)
        for name in LIVE:
            assert labels[name] == words[name], (name, lang)
    assert shown_stances(phone) == list(words["stances"].values())
    assert status_line(console) == words["statuses"]["published"]
    if lang == "en":  # the English words, not the Swedish source
        assert words["stances"]["agree"] == "Agree"
        assert words["statuses"]["published"] != "Publicerad"


def test_a_label_changed_beside_its_enum_changes_on_the_live_screens(app, room, monkeypatch):
    for name, labels in LIVE.items():
        for key in labels:
            monkeypatch.setitem(labels, key, f"«{name}:{key.value}»")
    console, phone = pages(app, room, "sv")
    for html in (console, phone):
        labels = live_labels(html)
        for name, keys in LIVE.items():
            assert labels[name] == {k.value: f"«{name}:{k.value}»" for k in keys}, name
    assert shown_stances(phone) == [f"«stances:{v.value}»" for v in contributions.StanceValue]
    assert status_line(console) == "«statuses:published»"

