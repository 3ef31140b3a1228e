import io

import pytest
import zxingcpp
from flask import url_for
from helpers_dialogues import make_dialogue
from PIL import Image


@pytest.fixture
def dialogue(make_user):
    return make_dialogue(make_user())


def _join_url(app, dialogue):
    with app.test_request_context(base_url="http://localhost"):
        return url_for("participants.join_link", code=dialogue.join_code, _external=True)


def test_png_decodes_to_the_join_url(app, client, auth, dialogue):
    url = _join_url(app, dialogue)
    auth.login()
    response = client.get(f"/dialoger/{dialogue.id}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data)).convert("L")
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [url]
    assert dialogue.join_code in url


def test_svg_and_invitation_page(app, client, auth, dialogue):
    url = _join_url(app, dialogue)
    auth.login()
    svg = client.get(f"/dialoger/{dialogue.id}/qr.svg")
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    assert svg.data.lstrip().startswith(b"<svg")
    page = client.get(f"/dialoger/{dialogue.id}/inbjudan").text
    assert dialogue.join_code in page
    assert url in page
    assert f"/dialoger/{dialogue.id}/qr.svg" in page


def test_archived_dialogue_has_no_qr(app, client, auth, dialogue):
    from facilitator.dialogues import services
    from facilitator.extensions import db

    dialogue.join_code = None
    db.session.commit()
    auth.login()
    assert client.get(f"/dialoger/{dialogue.id}/qr.png").status_code == 404
    assert "ingen kod" in client.get(f"/dialoger/{dialogue.id}/inbjudan").text
    assert services.join_url(dialogue) is None
