"""Evidence files: PDF, DOCX or an image (PNG, JPEG), at most 10 MB.

A DOCX that unpacks to more than 50 MB, or holds more than 1,000 entries, is refused.

The type is read from the content (magic bytes; a DOCX is a ZIP holding word/document.xml),
never from the file name or the type the browser declared. A file whose name says one type and
whose content is another allowed type is kept as what it is (a PNG called "x.pdf" is stored and
served as "x.png", image/png). Files are stored under `instance/uploads/` with a random name;
nothing is left behind when a file is refused.
"""

import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
#: A DOCX is a ZIP: refuse one that unpacks to more than this, or holds more entries (a
#: compressed bomb uploads small and fills the disk or memory of whoever opens it).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000


class _OutOfProportion(Exception):
    pass


def _check_proportions(archive: zipfile.ZipFile) -> None:
    """Raise _OutOfProportion when the archive unpacks to too much or holds too many entries.

    The declared sizes are checked first (cheap); then every entry is read, because a
    declared size can lie: zipfile stops at the declared size and the CRC check then fails.
    """
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise _OutOfProportion
    if sum(info.file_size for info in entries) > MAX_UNPACKED_BYTES:
        raise _OutOfProportion
    total = 0
    for info in entries:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                total += len(chunk)
                if total > MAX_UNPACKED_BYTES:
                    raise _OutOfProportion

#: Detected type: (content type, file extension).
TYPES = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
}


@dataclass
class StoredFile:
    stored_name: str
    filename: str
    content_type: str
    size: int


def upload_dir() -> Path:
    folder = Path(current_app.config.get("UPLOAD_FOLDER")
                  or os.path.join(current_app.instance_path, "uploads"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def path_of(stored_name: str) -> Path:
    # Only names we made: random hex and a known extension, never a path.
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("bad stored name")
    return upload_dir() / stored_name


def detect(path: Path) -> str | None:
    """The file's kind from its content, or None when it is none of the allowed ones."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                if "word/document.xml" in archive.namelist():
                    _check_proportions(archive)
                    return "docx"
        except _OutOfProportion:
            raise ValidationFailed(
                _("Word-dokumentet är för stort uppackat."),
                errors={"file": [_("Word-dokumentet packas upp till mer än 50 MB eller har "
                                   "fler än 1 000 delar. Spara det på nytt i Word, eller som "
                                   "PDF, och försök igen.")]},
            ) from None
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError,
                NotImplementedError):
            return None
    return None


def clean_filename(name: str | None, kind: str) -> str:
    """The uploaded name without any path, control characters, or a misleading extension."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch)[0] != "C").strip().strip(".")
    stem, _dot, ext = name.rpartition(".")
    if not stem:
        stem = name
    stem = stem[:200] or _("bilaga")
    return stem + TYPES[kind][1]


def store(upload) -> StoredFile:
    """Read an upload (a werkzeug FileStorage) into the upload folder, checked by content.

    Raises ValidationFailed (with the error on the `file` field) for a file that is too large,
    empty or of a type not allowed; the partly written file is then removed.
    """
    folder = upload_dir()
    temp = folder / f".part-{secrets.token_hex(16)}"
    size = 0
    try:
        with open(temp, "wb") as out:
            while True:
                chunk = upload.stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ValidationFailed(
                        _("Filen är för stor. Den får vara högst 10 MB."),
                        errors={"file": [_("Filen är för stor. Den får vara högst 10 MB. "
                                           "Minska filen eller dela upp den och försök igen.")]},
                    )
                out.write(chunk)
        if size == 0:
            raise ValidationFailed(_("Filen är tom."),
                                   errors={"file": [_("Filen är tom. Välj en annan fil.")]})
        kind = detect(temp)
        if kind is None:
            raise ValidationFailed(
                _("Filtypen tillåts inte."),
                errors={"file": [_("Filen är inte en PDF, ett Word-dokument (DOCX) eller en "
                                   "bild (PNG eller JPEG). Spara den i något av de formaten "
                                   "och försök igen.")]},
            )
        content_type, ext = TYPES[kind]
        stored_name = secrets.token_hex(16) + ext
        os.replace(temp, folder / stored_name)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StoredFile(stored_name, clean_filename(upload.filename, kind), content_type, size)


def remove(stored_name: str) -> None:
    """Delete a stored file (after a failed commit, or by retention)."""
    try:
        path_of(stored_name).unlink(missing_ok=True)
    except ValueError:
        pass
