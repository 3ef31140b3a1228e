"""A board's review: its own link shows and updates only its own items; expired and revoked
links explain themselves; board staff accounts never reach facilitator pages."""

import io
from datetime import timedelta

import factories as make
import pytest
from helpers_followups import PASSWORD, PDF, make_item, make_link, make_world, user

from facilitator.core import glossary, uow
from facilitator.core.clock import utcnow
from facilitator.core.tokens import hash_token as token_hash
from facilitator.extensions import db
from facilitator.followups.models import Evidence, FollowUpEvent, FollowUpItem, ReviewLink


@pytest.fixture
def world(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return make_world()


def _login(client, email):
    response = client.post("/logga-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data
    return response


def test_board_a_updates_its_item_and_ivo_sees_it_in_the_overview(world, app, client, tmp_path):
    item = make_item(world, world.gnesta_id)
    token = make_link(world, world.gnesta_id)
    assert db.session.scalar(db.select(ReviewLink.token_hash)) == token_hash(token)

    page = client.get(f"/granskning/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Säkra förhandsbedömningar inom 14 dagar" in html
    assert '<meta name="referrer" content="no-referrer">' in html
    assert page.headers["Cache-Control"] == "no-store"

    response = client.post(f"/granskning/{token}/punkt/{item.id}/status",
                           data={"status": "in_progress", "comment": "Ny rutin är på remiss."})
    assert response.status_code == 302
    response = client.post(
        f"/granskning/{token}/punkt/{item.id}/evidence",
        data={"text": "Rutinen, beslutad i nämnden",
              "file": (io.BytesIO(PDF), "Rutin förhandsbedömning.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = db.session.scalar(db.select(Evidence))
    assert evidence.filename == "Rutin förhandsbedömning.pdf"
    assert evidence.content_type == "application/pdf"
    assert (tmp_path / "uploads" / evidence.stored_name).read_bytes() == PDF

    item_page = client.get(f"/granskning/{token}/punkt/{item.id}").get_data(as_text=True)
    assert "Ny rutin är på remiss." in item_page and "Rutin förhandsbedömning.pdf" in item_page

    download = client.get(f"/granskning/{token}/underlag/{evidence.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")

    # IVO: the overview and the item's page show the new status, the comment and the file.
    ivo = app.test_client()
    _login(ivo, "sara@ivo.se")
    overview = ivo.get("/uppfoljning").get_data(as_text=True)
    assert "Säkra förhandsbedömningar inom 14 dagar" in overview
    assert "Pågår" in overview
    ivo_item = ivo.get(f"/uppfoljning/punkt/{item.id}").get_data(as_text=True)
    assert "Ny rutin är på remiss." in ivo_item
    assert "Gnesta (via granskningslänken)" in ivo_item
    assert ivo.get(f"/uppfoljning/underlag/{evidence.id}").data == PDF
    # IVO comments back; the board reads it.
    ivo.post(f"/uppfoljning/punkt/{item.id}/comment",
             data={"comment": "Tack! Skicka protokollet när det är justerat."})
    assert "Skicka protokollet när det är justerat." in client.get(
        f"/granskning/{token}/punkt/{item.id}").get_data(as_text=True)


def test_board_b_can_neither_see_nor_change_board_a_items(world, client):
    a_item = make_item(world, world.gnesta_id, title="Gnestas hemliga åtgärd")
    b_item = make_item(world, world.nykoping_id, title="Nyköpings åtgärd")
    a_token = make_link(world, world.gnesta_id)
    b_token = make_link(world, world.nykoping_id)
    # A's evidence, added through A's link.
    client.post(f"/granskning/{a_token}/punkt/{a_item.id}/evidence",
                data={"file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    a_evidence = db.session.scalar(db.select(Evidence))
    events_before = db.session.scalar(db.select(db.func.count()).select_from(FollowUpEvent))

    home = client.get(f"/granskning/{b_token}").get_data(as_text=True)
    assert "Nyköpings åtgärd" in home and "Gnestas hemliga åtgärd" not in home

    assert client.get(f"/granskning/{b_token}/punkt/{a_item.id}").status_code == 404
    for action, data in (("status", {"status": "done", "comment": "Klart!"}),
                         ("comment", {"comment": "Hej"}),
                         ("evidence", {"text": "Underlag"})):
        response = client.post(f"/granskning/{b_token}/punkt/{a_item.id}/{action}", data=data)
        assert response.status_code in (403, 404), action
    assert client.get(f"/granskning/{b_token}/underlag/{a_evidence.id}").status_code == 404
    # Nothing changed.
    db.session.expire_all()
    assert db.session.get(FollowUpItem, a_item.id).status == "agreed"
    assert db.session.scalar(
        db.select(db.func.count()).select_from(FollowUpEvent)) == events_before
    assert db.session.scalar(db.select(db.func.count()).select_from(Evidence)) == 1
    # B's own item still works; B's redovisning holds only B's items.
    assert client.get(f"/granskning/{b_token}/punkt/{b_item.id}").status_code == 200
    from pypdf import PdfReader

    pdf = client.get(f"/granskning/{b_token}/redovisning.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Nyköpings åtgärd" in text and "Gnestas hemliga åtgärd" not in text
    # And IVO's pages are closed to a link holder.
    assert client.get(f"/uppfoljning/punkt/{a_item.id}").status_code in (302, 401)


def test_expired_and_revoked_links_explain_themselves(world, app, client):
    make_item(world, world.gnesta_id)
    expired = make_link(world, world.gnesta_id)
    link = db.session.scalar(db.select(ReviewLink).where(
        ReviewLink.token_hash == token_hash(expired)))
    # Expired a minute ago: no service sets a past time, so only that field is set after.
    make.backdate(link, expires_at=utcnow() - timedelta(minutes=1))
    uow.commit()  # the factory's one commit
    page = client.get(f"/granskning/{expired}")
    assert page.status_code == 410
    html = page.get_data(as_text=True)
    assert "Länken gäller inte längre" in html
    assert f"gick ut {glossary.long_date(link.expires_at)}" in html  # the day in Stockholm
    assert "Sara Samordnare" in html and "sara@ivo.se" in html  # whom to contact
    assert client.post(f"/granskning/{expired}/punkt/1/comment",
                       data={"comment": "x"}).status_code == 410

    revoked = make_link(world, world.gnesta_id)
    assert client.get(f"/granskning/{revoked}").status_code == 200
    ivo = app.test_client()
    _login(ivo, "sara@ivo.se")
    revoked_link = db.session.scalar(db.select(ReviewLink).where(
        ReviewLink.token_hash == token_hash(revoked)))
    ivo.post(f"/dialoger/{world.dialogue_id}/uppfoljning/lankar/{revoked_link.id}/aterkalla")
    page = client.get(f"/granskning/{revoked}")
    assert page.status_code == 410 and "återkallats" in page.get_data(as_text=True)

    unknown = client.get("/granskning/" + "x" * 43)
    assert unknown.status_code == 404
    assert "be IVO:s samordnare om en ny länk" in unknown.get_data(as_text=True)


def test_ivo_creates_a_link_and_sees_the_url_once(world, app, client):
    _login(client, "sara@ivo.se")
    response = client.post(f"/dialoger/{world.dialogue_id}/uppfoljning/lankar",
                           data={"organization_id": world.gnesta_id, "days": 30})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    import re

    url = re.search(r'value="(http://localhost/granskning/[^"]+)"', html).group(1)
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 43
    link = db.session.scalar(db.select(ReviewLink))
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert 29 <= (link.expires_at - utcnow()).days <= 30
    # The page shows the link's row, never the URL again.
    again = client.get(f"/dialoger/{world.dialogue_id}/uppfoljning").get_data(as_text=True)
    assert token not in again and "Gäller" in again
    # A board outside the dialogue is refused.
    trosa = make.board(world.facilitator, "Trosa", "Trosa")
    uow.commit()  # the factory's one commit
    bad = client.post(f"/dialoger/{world.dialogue_id}/uppfoljning/lankar",
                      data={"organization_id": trosa.id, "days": 30})
    assert bad.status_code == 400


def test_a_board_staff_account_sees_its_board_only_and_no_facilitator_pages(world, app, client):
    make_item(world, world.gnesta_id, title="Gnestas åtgärd")
    make_item(world, world.nykoping_id, title="Nyköpings åtgärd")
    user("handlaggare@gnesta.se", "Gunnel Gnesta", organization_id=world.gnesta_id)
    response = _login(client, "handlaggare@gnesta.se")
    assert response.headers["Location"].endswith("/namnd")
    home = client.get("/namnd").get_data(as_text=True)
    assert "Gnestas åtgärd" in home and "Nyköpings åtgärd" not in home
    assert "Vår uppföljning" in home and "Dialoger</a>" not in home
    for path in ("/dialoger/", f"/dialoger/{world.dialogue_id}", "/organisationer/",
                 "/uppfoljning", f"/dialoger/{world.dialogue_id}/uppfoljning",
                 f"/dialoger/{world.dialogue_id}/uppfoljning/ny",
                 f"/dialoger/{world.dialogue_id}/mote"):
        assert client.get(path).status_code in (403, 404), path
    pdf = client.get(f"/namnd/dialog/{world.dialogue_id}/redovisning.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"


def test_an_admin_gives_a_board_an_account_on_the_accounts_page(world, app, client):
    user("admin@ivo.se", "Ada Admin", is_admin=True)
    _login(client, "admin@ivo.se")
    page = client.get("/konton").get_data(as_text=True)
    assert "Socialnämnden i Gnesta kommun" in page
    client.post("/konton", data={"name": "Nils Nyköping", "email": "nils@nykoping.se",
                                 "password": PASSWORD, "organization_id": world.nykoping_id})
    from facilitator.accounts.models import User

    created = db.session.scalar(db.select(User).where(User.email == "nils@nykoping.se"))
    assert created.organization_id == world.nykoping_id and not created.is_admin
