"""The published documents of the screens' meeting as page images: the minutes and Farsta's
redovisning (after IVO's decision and Farsta's measures) as PDF, each page rasterised by
poppler's pdftoppm into `docs/screens/document-<name>-page-<n>.png`.

    python -m screens.documents <dialogue id>   # run by the stage, on its own database

records IVO's decision on the closed meeting (both deficiencies required) and Farsta's
measures for them, submitted as version 1, and prints the board's id as JSON.
`photograph(stage, out)` then fetches the PDFs the way a browser does and rasterises them.
Deterministic apart from the meeting's dates, which the demo sets from today.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

#: IVO's decision on the screens' meeting: fixed dates, so the pictures stay the same.
DECIDED_ON = date(2026, 12, 14)
REPORT_DUE = date(2027, 3, 31)
CASE_NUMBER = "8.5-41207/2026"
BOARD = "Farsta"
#: Farsta's measures, one per required deficiency in the decision's order.
MEASURES = [
    {"text": "Mottagningen går varje vecka igenom de förhandsbedömningar som närmar sig "
             "14 dagar, och enhetschefen beslutar om förlängning med skälen dokumenterade.",
     "kind": "taken", "timetable": "Infört 1 februari 2027, följs upp varje månad",
     "responsible_role": "Enhetschef mottagningen", "status": "done",
     "evidence": "Rutin för förhandsbedömning, beslutad 28 januari 2027"},
    {"text": "En mall i journalsystemet för den omedelbara skyddsbedömningen: vad som "
             "bedömdes, av vem och när, samma dag som anmälan kom in.",
     "kind": "planned", "timetable": "Mallen klar i mars, utbildning i april 2027",
     "responsible_role": "Arbetsledare", "status": "in_progress", "evidence": ""},
]
#: The pages photographed: (document, pages); None is every page.
PAGES = {"minutes": None, "redovisning": None}
#: The file names this module writes (the stage's clean-up keeps only what it wrote).
PREFIX = "document-"


def record(dialogue_id: int) -> dict:
    from sqlalchemy import select

    from facilitator.accounts.models import User
    from facilitator.decisions import services
    from facilitator.dialogues.models import Dialogue, ReflectionKind
    from facilitator.extensions import db
    from facilitator.followups.reviewers import Reviewer

    dialogue = db.session.get(Dialogue, dialogue_id)
    ivo = db.session.scalar(select(User).where(User.email == "skarm@ivo.se"))
    deficiencies = [r for r in dialogue.reflections if r.kind == ReflectionKind.DEFICIENCY]
    required = deficiencies[:len(MEASURES)]
    services.record_decision(ivo, dialogue.id, {
        "decided_on": DECIDED_ON.isoformat(), "case_number": CASE_NUMBER,
        "report_due": REPORT_DUE.isoformat(),
        "requirement_ids": [str(r.id) for r in required]})
    board = next(o for o in dialogue.organizations if o.short_name == BOARD)
    farsta = Reviewer(organization_id=board.id)
    for reflection, measure in zip(required, MEASURES, strict=True):
        services.save_measure(farsta, dialogue.id, reflection.id, measure)
    services.submit_report(farsta, dialogue.id)
    db.session.commit()
    return {"board": board.id}


def rasterise(pdf: bytes, name: str, out: Path, pages=None) -> list[Path]:
    """Every page (or the chosen ones) of `pdf` as `document-<name>-page-<n>.png` at 100 dpi
    (an A4 page 827 pixels wide), in 256 colours as the other screens."""
    from .__main__ import shrink

    folder = Path(tempfile.mkdtemp(prefix="aterforing-pages-"))
    try:
        source = folder / f"{name}.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(source), str(folder / "page")],
                       check=True)
        written = []
        for image in sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1])):
            n = int(image.stem.split("-")[1])
            if pages is not None and n not in pages:
                continue
            target = out / f"{PREFIX}{name}-page-{n}.png"
            shutil.move(image, target)
            shrink(target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def photograph(stage, out: Path) -> list[Path]:
    """After the meeting is closed: IVO's decision and Farsta's redovisning recorded, then the
    minutes and the redovisning fetched as PDF by IVO's login and rasterised into `out`."""
    dialogue = stage.room["dialogue"]
    answer = stage._run(sys.executable, "-m", "screens.documents", str(dialogue))
    board = json.loads(answer.strip().splitlines()[-1])["board"]
    written = []
    for name, path in (("minutes", f"/dialoger/{dialogue}/protokoll/v1.pdf"),
                       ("redovisning", f"/dialoger/{dialogue}/uppfoljning/redovisning/"
                                       f"{board}.pdf")):
        response = stage.http.get(stage.url + path, timeout=60)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"{path}: {response.status_code}")
        written += rasterise(response.content, name, out, PAGES[name])
    return written


def main() -> None:
    from facilitator import create_app

    app = create_app()
    with app.app_context():
        print(json.dumps(record(int(sys.argv[1]))))


if __name__ == "__main__":
    main()
