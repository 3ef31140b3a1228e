"""Evidence files: the type is read from the content, 10 MB at most, nothing half-stored."""

import io

import pytest
from helpers_followups import (
    EXE,
    JPEG,
    PDF,
    PNG,
    docx_bytes,
    make_item,
    make_link,
    make_world,
    zip_without_word,
)
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from facilitator.extensions import db
from facilitator.followups.models import Evidence, FollowUpEvent
from facilitator.followups.reviewers import reviewer_for_token

TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def setup(app, tmp_path, client):
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    world = make_world()
    item = make_item(world, world.gnesta_id)
    token = make_link(world, world.gnesta_id)

    def upload(content: bytes, name: str, declared="application/pdf", **data):
        # Encoded here in memory: the test client would spool a large body to a temporary
        # file it never closes.
        boundary, body = encode_multipart({**data, "file": FileStorage(
            io.BytesIO(content), filename=name, content_type=declared)})
        return client.post(f"/granskning/{token}/punkt/{item.id}/evidence", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    return {"folder": folder, "upload": upload, "token": token, "item": item}


def _stored(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _counts():
    return (db.session.scalar(db.select(db.func.count()).select_from(Evidence)),
            db.session.scalar(db.select(db.func.count()).select_from(FollowUpEvent)))


def test_a_png_named_pdf_is_stored_and_served_as_png(setup, client):
    response = setup["upload"](PNG, "rapport.pdf", "application/pdf")
    assert response.status_code == 302
    evidence = db.session.scalar(db.select(Evidence))
    assert evidence.content_type == "image/png"
    assert evidence.filename == "rapport.png"
    assert evidence.stored_name.endswith(".png") and "rapport" not in evidence.stored_name
    download = client.get(f"/granskning/{setup['token']}/underlag/{evidence.id}")
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"] == "attachment; filename=rapport.png"
    assert download.data == PNG


@pytest.mark.parametrize("content,name,kind", [
    (PDF, "Åtgärdsplan.pdf", "application/pdf"),
    (JPEG, "foto.jpeg", "image/jpeg"),
    (None, "rutin.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_allowed_types_by_content(setup, content, name, kind):
    content = content if content is not None else docx_bytes()
    assert setup["upload"](content, name, "application/octet-stream").status_code == 302
    evidence = db.session.scalar(db.select(Evidence))
    assert evidence.content_type == kind
    assert evidence.size == len(content)


@pytest.mark.parametrize("content,name", [
    (EXE, "rapport.pdf"),
    (zip_without_word(), "rutin.docx"),
    (b"<html><script>alert(1)</script></html>", "sida.png"),
])
def test_other_content_is_refused_whatever_its_name(setup, content, name):
    before = _counts()
    response = setup["upload"](content, name, "application/pdf")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Filen är inte en PDF, ett Word-dokument (DOCX) eller en bild" in html
    assert _stored(setup["folder"]) == []
    assert _counts() == before


def test_ten_megabytes_pass_and_one_byte_more_is_refused(setup):
    before = _counts()
    response = setup["upload"](PDF + b"\0" * (TEN_MB + 1 - len(PDF)), "stor.pdf")
    assert response.status_code == 400
    assert "Filen är för stor. Den får vara högst 10 MB." in response.get_data(as_text=True)
    assert _stored(setup["folder"]) == []
    assert _counts() == before
    # What was typed is kept.
    response = setup["upload"](PDF + b"\0" * (TEN_MB + 1 - len(PDF)), "stor.pdf",
                               text="Protokollsutdrag från nämnden")
    assert "Protokollsutdrag från nämnden" in response.get_data(as_text=True)

    exactly = PDF + b"\0" * (TEN_MB - len(PDF))
    assert setup["upload"](exactly, "lagom.pdf").status_code == 302
    assert db.session.scalar(db.select(Evidence)).size == TEN_MB
    assert len(_stored(setup["folder"])) == 1


def test_a_failed_save_removes_the_stored_file(setup, monkeypatch):
    from facilitator.followups import commands

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(commands, "_event", broken)
    reviewer = reviewer_for_token(setup["token"])
    with pytest.raises(RuntimeError):
        commands.add_evidence(reviewer, setup["item"].id, {}, file=_FakeUpload(PDF, "a.pdf"))
    assert len(_stored(setup["folder"])) == 1  # until the action is known to have failed
    db.session.rollback()  # what the entry point does with the error
    assert _stored(setup["folder"]) == []


def test_a_file_stays_only_if_its_action_is_stored(setup):
    """The evidence and a status step in one action (the item page's one form): when the step
    fails after the file was stored, neither the row nor the file is kept."""
    from facilitator.followups import commands

    def locked(*args, **kwargs):
        raise RuntimeError("database is locked")

    reviewer = reviewer_for_token(setup["token"])
    before = _counts()
    with pytest.raises(RuntimeError):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(commands, "change_status", locked)
            commands.save_update(reviewer, setup["item"].id,
                                 {"text": "Rutinen", "status": "in_progress"},
                                 _FakeUpload(PDF, "rutin.pdf"))
    db.session.rollback()
    assert _stored(setup["folder"]) == [] and _counts() == before
    commands.add_evidence(reviewer, setup["item"].id, {"text": "Rutinen"},
                          file=_FakeUpload(PDF, "rutin.pdf"))
    db.session.commit()
    assert len(_stored(setup["folder"])) == 1


def test_evidence_needs_something(setup, client):
    response = client.post(f"/granskning/{setup['token']}/punkt/{setup['item'].id}/evidence",
                           data={"text": "", "url": ""})
    assert response.status_code == 400
    assert "Skriv en beskrivning, ange en länk eller välj en fil." in response.get_data(
        as_text=True)
    response = client.post(f"/granskning/{setup['token']}/punkt/{setup['item'].id}/evidence",
                           data={"url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "https://" in response.get_data(as_text=True)


class _FakeUpload:
    def __init__(self, content, filename):
        self.stream = io.BytesIO(content)
        self.filename = filename


def _docx_with(extra: dict[str, bytes], *, lie_about_size: bool = False) -> bytes:
    """A real DOCX with extra entries added (deflated), optionally declaring a false size."""
    import zipfile

    buffer = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in extra.items():
            archive.writestr(name, data)
    content = buffer.getvalue()
    if lie_about_size:
        # Patch the central directory's uncompressed size of the last entry down to 1 byte.
        import struct

        pos = content.rfind(b"PK\x01\x02")
        content = content[:pos + 24] + struct.pack("<I", 1) + content[pos + 28:]
    return content


@pytest.mark.parametrize("extra,lie", [
    ({"word/media/bomb.bin": b"\0" * (60 * 1024 * 1024)}, False),
    ({"word/media/bomb.bin": b"\0" * (60 * 1024 * 1024)}, True),
    ({f"word/part{n}.xml": b"<x/>" for n in range(1001)}, False),
], ids=["60-mb-unpacked", "size-declared-falsely", "1001-entries"])
def test_a_compressed_bomb_is_refused_as_evidence(setup, extra, lie):
    content = _docx_with(extra, lie_about_size=lie)
    assert len(content) < 1024 * 1024  # it uploads small
    before = _counts()
    response = setup["upload"](content, "rutin.docx", "application/octet-stream")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert ("Word-dokumentet packas upp till mer än 50 MB" in html
            or "Filen är inte en PDF" in html)
    if not lie:
        assert "Word-dokumentet packas upp till mer än 50 MB" in html
    assert _stored(setup["folder"]) == []
    assert _counts() == before


def test_a_large_but_proportionate_docx_is_accepted(setup):
    import os

    content = _docx_with({"word/media/foto.bin": os.urandom(2 * 1024 * 1024)})
    assert setup["upload"](content, "rutin.docx", "application/octet-stream").status_code == 302
