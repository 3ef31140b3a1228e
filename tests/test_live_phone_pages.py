"""The phone view's page shell and the pre-read's link to it (no browser)."""

import json
import re

import pytest
from helpers_dialogues import published_with_phone

from facilitator.dialogues import services as dialogue_services
from facilitator.extensions import db
from facilitator.participants import services as participants


@pytest.fixture
def setup(make_user):
    anna = make_user()
    dialogue, token = published_with_phone(anna)
    return anna, dialogue, token


def test_phone_page_is_a_shell_with_data_attributes_and_deferred_scripts(client, setup):
    _anna, dialogue, token = setup
    code = dialogue.join_code
    # Without the dialogue's cookie the phone is sent to the join page.
    response = client.get(f"/m/{code}/mote")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/m/{code}")

    client.set_cookie(participants.cookie_name(dialogue), token)
    response = client.get(f"/m/{code}/mote")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'data-dialogue="{dialogue.id}"' in html
    assert f'data-code="{code}"' in html
    texts = json.loads(re.search(r"data-texts='([^']*)'", html).group(1)
                       .replace("&#34;", '"').replace("&amp;", "&"))
    assert texts["connected"] == "Ansluten"
    assert texts["reconnecting"].startswith("Återansluter")
    # Scripts: the socket client, the shared core and the phone, all deferred, none inline
    # (the labels' JSON data block is never run).
    scripts = [s for s in re.findall(r"<script[^>]*>", html) if 'type="application/json"' not in s]
    assert all("src=" in s and "defer" in s for s in scripts)
    order = [re.search(r'src="([^"]+)"', s).group(1) for s in scripts]
    names = [o.rsplit("/", 1)[1] for o in order]
    assert names.index("socket.io.min.js") < names.index("live-core.js") < names.index("phone.js")
    assert "aria-live=\"polite\"" in html
    assert html.count('aria-live="polite"') == 1
    # The forms and their labels are in the page, with the reflection to pick.
    assert 'for="question-text"' in html and 'for="disagreement-reflection"' in html
    assert "Förhandsbedömningar dröjer" in html
    assert 'class="participant live-phone"' in html
    # Who one is, in the page before the socket's snapshot arrives.
    assert re.search(r'<strong id="phone-me">[^<]*Gnesta[^<]*</strong>', html)


def test_preread_links_to_the_meeting_only_while_it_is_live(client, setup):
    anna, dialogue, token = setup
    client.set_cookie(participants.cookie_name(dialogue), token)
    page = client.get(f"/m/{dialogue.join_code}/forberedelse").get_data(as_text=True)
    assert "Till mötet" not in page
    dialogue_services.transition(anna, dialogue.id, "live")
    db.session.commit()  # the entry point commits
    page = client.get(f"/m/{dialogue.join_code}/forberedelse").get_data(as_text=True)
    assert "Till mötet" in page
    assert f'href="/m/{dialogue.join_code}/mote"' in page
