"""`flask demo`: the demo facilitator and the two dialogues from the source articles."""

from datetime import UTC, date, datetime

import factories as make
import pytest
from sqlalchemy import func, select

from facilitator.accounts.models import User
from facilitator.core import uow
from facilitator.demo import data
from facilitator.dialogues import codes
from facilitator.dialogues.models import (
    AgendaItem,
    Dialogue,
    DialogueStatus,
    Reflection,
    ReflectionKind,
)
from facilitator.extensions import db
from facilitator.organizations.models import Organization, OrganizationKind


@pytest.fixture
def demo_app(app, tmp_path):
    # The login file of this test's own database, in a folder of its own.
    app.instance_path = str(tmp_path)
    return app


def demo_login_file(folder):
    (found,) = folder.glob("demo-login-*.txt")
    return found


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def dialogues() -> dict[str, Dialogue]:
    """The two upcoming dialogues (the past Gnesta ones are in test_history_demo.py)."""
    found = db.session.scalars(select(Dialogue).where(
        Dialogue.status == DialogueStatus.PUBLISHED)).all()
    return {d.organizations[0].short_name if len(d.organizations) == 1 else "Stockholm": d
            for d in found}


def test_demo_on_empty_database_creates_both_dialogues(demo_app, runner, tmp_path):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    user = db.session.scalar(select(User).where(User.email == "demo@ivo.se"))
    assert user is not None and user.is_admin
    email, password = demo_login_file(tmp_path).read_text(encoding="utf-8").split("\n")[:2]
    assert email == "demo@ivo.se"
    assert "demo@ivo.se" in result.output and password in result.output

    found = dialogues()
    assert set(found) == {"Gnesta", "Stockholm"}
    gnesta, stockholm = found["Gnesta"], found["Stockholm"]
    assert [o.name for o in gnesta.organizations] == ["Socialnämnden i Gnesta kommun"]
    assert len(stockholm.organizations) == 7
    assert {"Södermalm", "Solna"} <= {o.short_name for o in stockholm.organizations}

    join_codes = {gnesta.join_code, stockholm.join_code}
    assert len(join_codes) == 2
    now = datetime.now(UTC).replace(tzinfo=None)
    for dialogue in (gnesta, stockholm):
        assert codes.is_well_formed(dialogue.join_code)
        assert f"kod {dialogue.join_code}" in result.output
        assert f"/m/{dialogue.join_code}" in result.output
        assert dialogue.title in result.output
        assert dialogue.status == DialogueStatus.PUBLISHED
        assert dialogue.published_at is not None
        assert dialogue.starts_at > now
        assert dialogue.premoderation
        assert dialogue.purpose and dialogue.place_room
        assert dialogue.facilitators == [user]
        assert codes.find_by_code(dialogue.join_code.lower()) == dialogue

        kinds = {r.kind for r in dialogue.reflections}
        assert kinds == set(ReflectionKind)
        for reflection in dialogue.reflections:
            assert reflection.body_md.strip() and "<" not in reflection.body_md
            assert reflection.title

        planned = sum(item.planned_minutes for item in dialogue.agenda_items)
        assert 0 < planned <= dialogue.duration_minutes
        assert any(item.reflections for item in dialogue.agenda_items)


def test_reflections_carry_legal_basis_and_evidence(demo_app, runner):
    runner.invoke(args=["demo"])
    found = dialogues()
    gnesta, stockholm = found["Gnesta"], found["Stockholm"]

    uteblir = next(r for r in gnesta.reflections if r.kind == ReflectionKind.CONCERN)
    assert "11 kap. 1 a §" in uteblir.legal_basis
    assert "drar sig" in uteblir.body_md
    child = next(r for r in gnesta.reflections if r.kind == ReflectionKind.DEFICIENCY)
    assert "11 kap. 10 §" in child.legal_basis and "6 granskade utredningar" in child.evidence

    fourteen = next(r for r in stockholm.reflections if "14 dagar" in r.title)
    assert fourteen.kind == ReflectionKind.DEFICIENCY
    assert "granskade ärenden" in fourteen.evidence

    partial = [r for r in stockholm.reflections if not r.applies_to_all]
    assert len(partial) == 1
    assert 0 < len(partial[0].organizations) < len(stockholm.organizations)
    assert set(partial[0].organizations) <= set(stockholm.organizations)
    assert all(r.applies_to_all for r in gnesta.reflections)

    linked = {item.title: item for item in gnesta.agenda_items}
    assert linked["Förhandsbedömningar: när inleds utredning?"].reflections
    assert linked["Barnets röst i utredningen"].reflections


def test_running_again_creates_nothing_new_and_still_prints(demo_app, runner):
    first = runner.invoke(args=["demo"])
    before = {m: count(m) for m in (User, Dialogue, Reflection, AgendaItem, Organization)}
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert {m: count(m) for m in before} == before
    assert before[Organization] == 8

    assert "inget nytt" in second.output
    for dialogue in dialogues().values():
        assert dialogue.join_code in second.output
    password = first.output.split("Lösenord: ")[1].split()[0]
    assert password in second.output


def test_existing_boards_are_reused(demo_app, runner, make_user):
    make.board(make_user(), "Farsta stadsdelsnämnd", "Farsta",
               kind=OrganizationKind.STADSDEL.value)
    uow.commit()  # the factory's one commit
    runner.invoke(args=["demo"])
    assert count(Organization) == 8


def test_if_empty_leaves_a_used_database_alone(demo_app, runner, make_user):
    make_user(email="anna@ivo.se")
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert count(Dialogue) == 0
    assert db.session.scalar(select(User).where(User.email == "demo@ivo.se")) is None
    assert "ingen demodata" in result.output


def test_if_empty_on_empty_database_loads(demo_app, runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert count(Dialogue) == 4  # two upcoming, and Gnesta's dialogues of 2016 and 2019


def test_load_without_demo_facilitator_creates_nothing(demo_app):
    assert data.load() == 0
    assert count(Dialogue) == 0 and count(Organization) == 0
    assert data.summary() == []


def test_summary_uses_host_and_port(demo_app, runner, monkeypatch):
    runner.invoke(args=["demo"])
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("HOST", "0.0.0.0")
    lines = data.summary()
    assert len(lines) == 2
    assert lines[0].startswith("Gnesta: Återföringsdialog: förhandsbedömningar")
    assert lines[1].startswith("Stockholm: ")
    code = dialogues()["Gnesta"].join_code
    assert lines[0].endswith(f"— kod {code} — http://0.0.0.0:8123/m/{code}")


def test_starts_next_week_at_nine_stockholm_time():
    # In summer (UTC+2), 09:00 local is 07:00 UTC; Gnesta is on the Tuesday.
    assert data.starts_at(data.GNESTA, date(2024, 4, 3)) == datetime(2024, 4, 9, 7, 0)
    # In winter (UTC+1), a Sunday still means the coming week.
    assert data.starts_at(data.STOCKHOLM, date(2024, 1, 7)) == datetime(2024, 1, 11, 8, 0)


def test_each_database_keeps_its_own_demo_login(tmp_path):
    """`make run` on SQLite, then on PostgreSQL-like other database: neither loses its login."""
    from facilitator import create_app

    logins = []
    for name in ("first", "second"):
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.db"})
        app.instance_path = str(tmp_path)
        with app.app_context():
            db.create_all()
            result = app.test_cli_runner().invoke(args=["demo"])
            assert result.exit_code == 0, result.output
            logins.append(result.output)
            db.session.remove()
            db.engine.dispose()
    assert len(list(tmp_path.glob("demo-login-*.txt"))) == 2
    # Running the first again still prints its own password, not "the password it has got".
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'first'}.db"})
    app.instance_path = str(tmp_path)
    with app.app_context():
        again = app.test_cli_runner().invoke(args=["demo", "--if-empty"]).output
        db.engine.dispose()
    first_password = [ln for ln in logins[0].splitlines() if "Lösenord:" in ln][0]
    assert first_password in again
    assert "sedan demon skapades" not in again


@pytest.mark.parametrize("if_empty", [False, True])
def test_production_refuses_the_demo_in_one_line(tmp_path, if_empty):
    from facilitator import create_app

    app = create_app("production", {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.instance_path = str(tmp_path)
    with app.app_context():
        db.create_all()
        args = ["demo", "--if-empty"] if if_empty else ["demo"]
        result = app.test_cli_runner().invoke(args=args)
        assert count(User) == 0 and count(Dialogue) == 0
        db.drop_all()
    assert result.exit_code == (0 if if_empty else 1)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "APP_ENV=production" in lines[0]
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("demo-login-*"))


def test_tests_keep_their_files_out_of_the_checkout(app):
    """Every test (and every server a test starts) uses a temporary instance folder."""
    import os
    from pathlib import Path

    checkout = Path(__file__).resolve().parent.parent
    for folder in (app.instance_path, os.environ["INSTANCE_PATH"], app.config["UPLOAD_FOLDER"]):
        assert not Path(folder).resolve().is_relative_to(checkout), folder
