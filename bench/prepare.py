"""Prepare a database for a bench run: schema, a facilitator and one published dialogue.

Run as `python -m bench.prepare` with DATABASE_URL (and the rest of the server's environment)
set; prints one JSON line: {"dialogue_id", "code", "email", "password", "reflection_ids",
"organization_ids"}.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

EMAIL = "bench@ivo.se"
PASSWORD = "bench-losenord-som-ar-langt"

BOARDS = (
    ("Södermalms stadsdelsnämnd", "Södermalm"),
    ("Farsta stadsdelsnämnd", "Farsta"),
    ("Skärholmens stadsdelsnämnd", "Skärholmen"),
    ("Rinkeby-Kista stadsdelsnämnd", "Rinkeby-Kista"),
    ("Spånga-Tensta stadsdelsnämnd", "Spånga-Tensta"),
    ("Hässelby-Vällingby stadsdelsnämnd", "Hässelby-Vällingby"),
    ("Socialnämnden i Solna stad", "Solna"),
    ("Socialnämnden i Gnesta kommun", "Gnesta"),
)

REFLECTIONS = (
    ("deficiency", "Förhandsbedömningar dokumenteras inte fullt ut",
     "I sex av tio granskade förhandsbedömningar saknades **barnets egen berättelse**.",
     "SoL 11 kap. 1 a §", "6 av 10 granskade förhandsbedömningar"),
    ("positive", "Snabb kontakt med barnet vid akuta ärenden",
     "Handläggarna träffade barnet inom ett dygn i alla akuta ärenden.", "", ""),
    ("concern", "Hög personalomsättning", "Ärenden byter handläggare ofta.", "", ""),
)


def migrate() -> None:
    """The schema through the migrations, as in production."""
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, check=True,
                   capture_output=True)


def schema_drift() -> list[str]:
    """Tables and columns the models have and the database lacks (in an app context)."""
    from sqlalchemy import inspect

    from facilitator.extensions import db

    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    missing = []
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            missing.append(table.name)
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return missing


def ensure_schema() -> list[str]:
    """Migrate; if the migrations are behind the models (features in progress, before the
    migrations are regenerated), build the fresh database from the models instead.
    Returns what the migrations lacked (empty when they are current)."""
    from facilitator.extensions import db

    migrate()
    drift = schema_drift()
    if drift:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.create_all()
    return drift


def main() -> None:
    from facilitator import create_app

    app = create_app()
    with app.app_context():
        drift = ensure_schema()
        print(json.dumps({**setup(app), "migrations_behind_models": drift}))


def setup(app) -> dict:
    from sqlalchemy import select

    from facilitator.accounts import services as accounts
    from facilitator.accounts.models import User, utcnow
    from facilitator.dialogues import codes
    from facilitator.dialogues.models import (
        AgendaItem,
        Dialogue,
        DialogueStatus,
        ParticipationMode,
        Reflection,
        ReflectionKind,
    )
    from facilitator.extensions import db
    from facilitator.organizations.models import Organization, OrganizationKind

    user = db.session.scalar(select(User).where(User.email == EMAIL))
    if user is None:
        user = accounts.create_user(EMAIL, "Bänk Samordnare", PASSWORD, is_admin=True)
    boards = []
    for name, short in BOARDS:
        org = db.session.scalar(select(Organization).where(Organization.name == name))
        if org is None:
            org = Organization(name=name, short_name=short, kind=OrganizationKind.STADSDEL)
            db.session.add(org)
        boards.append(org)
    reflections = [
        Reflection(kind=ReflectionKind(kind), title=title, body_md=body, legal_basis=legal,
                   evidence=evidence, position=i)
        for i, (kind, title, body, legal, evidence) in enumerate(REFLECTIONS)
    ]
    dialogue = Dialogue(
        title="Återföringsdialog: lasttest",
        purpose="Ett möte med många deltagare för att mäta kapaciteten.",
        status=DialogueStatus.PUBLISHED,
        published_at=utcnow(),
        join_code=codes.new_code(),
        premoderation=True,
        participation_mode=ParticipationMode.PSEUDONYMOUS,
        created_by_id=user.id,
        organizations=boards,
        facilitators=[user],
        reflections=reflections,
    )
    dialogue.agenda_items = [
        AgendaItem(title="Inledning", planned_minutes=10, position=0),
        AgendaItem(title="Reflektionerna", planned_minutes=60, position=1,
                   reflections=reflections),
        AgendaItem(title="Uppföljning", planned_minutes=20, position=2),
    ]
    db.session.add(dialogue)
    db.session.commit()
    return {
        "dialogue_id": dialogue.id,
        "code": dialogue.join_code,
        "email": EMAIL,
        "password": PASSWORD,
        "reflection_ids": [r.id for r in reflections],
        "organization_ids": [b.id for b in boards],
    }


if __name__ == "__main__":
    main()
