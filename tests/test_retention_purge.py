"""The retention purge: personal data goes N days after closing; counts and outcomes stay."""

from datetime import date, timedelta

import factories as make
import pytest
from helpers_minutes import DISAGREEMENT, FLAGGED, FOLLOWUP_1, HIDDEN, NAME, PENDING, build_meeting
from sqlalchemy import select

from facilitator.accounts.models import User
from facilitator.audit.models import AuditEntry
from facilitator.contributions.models import Contribution
from facilitator.core import uow
from facilitator.core.clock import utcnow
from facilitator.dialogues.models import Dialogue, DialogueStatus
from facilitator.extensions import db
from facilitator.followups.models import FollowUpItem
from facilitator.minutes import compiling
from facilitator.minutes.models import Minutes
from facilitator.participants.models import Participant
from facilitator.retention import services
from facilitator.retention.models import PurgeLog

TODAY = date(2028, 6, 1)


def _snapshot() -> dict:
    """Every row of every table, as plain values."""
    result = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        result[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return result


@pytest.fixture
def dialogues(app, make_user):
    fac = make_user("fac@ivo.se", "Fia Facilitator")
    now = utcnow()
    old = build_meeting(db.session, [fac], title="Gammal dialog", status=DialogueStatus.CLOSED,
                        closed_at=now - timedelta(days=400))
    recent = build_meeting(db.session, [fac], title="Ny dialog", status=DialogueStatus.CLOSED,
                           closed_at=now - timedelta(days=10))
    live = build_meeting(db.session, [fac], title="Pågående dialog")
    # The old one has minutes (its close drafted them), and a moderation edit kept its
    # texts in the log.
    fac = db.session.get(User, fac.id)
    question = db.session.get(Contribution, old.contribution_ids["unanswered"])
    make.moderate(fac, question, "edit", text="Fråga")
    uow.commit()
    return {"old": old, "recent": recent, "live": live, "today": date.today()}


def test_dry_run_reports_exactly_what_the_purge_removes(dialogues):
    today = dialogues["today"]
    before = _snapshot()
    plan = services.purge(today, 365, dry_run=True)
    assert _snapshot() == before  # a dry run changes nothing
    assert services.purge_plan(today, 365) == plan

    [entry] = plan
    assert entry.dialogue_id == dialogues["old"].dialogue_id and entry.archive
    assert entry.counts == {"names": 1, "tokens": 6, "hidden_texts": 1, "flagged_texts": 1,
                            "pending_texts": 1, "audit_texts": 1, "join_code": 1}

    done = services.purge(today, 365)
    assert [(e.dialogue_id, e.counts) for e in done] == [(entry.dialogue_id, entry.counts)]
    after = _snapshot()

    # What changed in the database is what the dry run said.
    old_id = entry.dialogue_id
    participants = db.session.scalars(
        select(Participant).where(Participant.dialogue_id == old_id)).all()
    assert all(p.name is None and p.token_hash is None for p in participants)
    assert len(participants) == 6  # rows stay (board and role only): counts stay right
    emptied = db.session.scalars(select(Contribution).where(
        Contribution.dialogue_id == old_id, Contribution.text == "")).all()
    assert len(emptied) == (entry.counts["hidden_texts"] + entry.counts["flagged_texts"]
                            + entry.counts["pending_texts"])
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"participants", "contributions", "audit_entries", "dialogues",
                       "purge_log"}

    # The other dialogues were not touched.
    for key in ("recent", "live"):
        built = dialogues[key]
        others = db.session.scalars(select(Participant).where(
            Participant.dialogue_id == built.dialogue_id)).all()
        assert sum(p.name == NAME for p in others) == 1
        assert all(p.token_hash for p in others)
        assert db.session.get(Contribution, built.contribution_ids["hidden"]).text == HIDDEN
        assert db.session.get(Dialogue, built.dialogue_id).join_code


def test_after_the_purge_names_and_tokens_are_gone_and_outcomes_kept(dialogues):
    old = dialogues["old"]
    code = db.session.get(Dialogue, old.dialogue_id).join_code
    services.purge(dialogues["today"], 365)

    dialogue = db.session.get(Dialogue, old.dialogue_id)
    assert dialogue.status == DialogueStatus.ARCHIVED and dialogue.archived_at is not None
    assert dialogue.join_code is None  # freed for another dialogue
    from facilitator.dialogues import codes
    assert codes.find_by_code(code) is None

    texts = {c.id: c.text for c in db.session.scalars(
        select(Contribution).where(Contribution.dialogue_id == old.dialogue_id))}
    assert HIDDEN not in texts.values() and FLAGGED not in texts.values()
    assert PENDING not in texts.values()
    # Outcomes stay: approved texts, follow-up items, the minutes.
    assert texts[old.contribution_ids["disagreement"]] == DISAGREEMENT
    assert db.session.get(FollowUpItem, old.followup_ids[0]).title == FOLLOWUP_1
    kept = db.session.scalar(select(Minutes).where(Minutes.dialogue_id == old.dialogue_id))
    assert kept.content["attendance"]["total"] == 6
    # Counts by board and role are still right when compiled again.
    again = compiling.compile_minutes(dialogue)
    assert again["attendance"] == kept.content["attendance"]
    assert again["reflections"][0]["stances"] == kept.content["reflections"][0]["stances"]

    edit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contribution.edit"))
    assert "20150101-1234" not in str(edit.details)

    [log] = db.session.scalars(select(PurgeLog)).all()
    assert log.dialogue_id == old.dialogue_id and log.counts["names"] == 1
    assert log.counts["tokens"] == 6
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.dialogue_id == old.dialogue_id)).all()
    assert "retention.purged" in actions and "dialogue.archived" in actions

    # Nothing is left to do: a second run removes nothing and logs nothing.
    assert services.purge(dialogues["today"], 365) == []
    assert len(db.session.scalars(select(PurgeLog)).all()) == 1


def test_the_limit_counts_days_after_closing(dialogues):
    recent = dialogues["recent"]
    closed = db.session.get(Dialogue, recent.dialogue_id).closed_at.date()
    assert recent.dialogue_id not in [e.dialogue_id for e in
                                      services.purge_plan(closed + timedelta(days=29), 30)]
    assert recent.dialogue_id in [e.dialogue_id for e in
                                  services.purge_plan(closed + timedelta(days=30), 30)]
    # A live dialogue is never purged, however old.
    live = dialogues["live"].dialogue_id
    assert live not in [e.dialogue_id for e in services.purge_plan(TODAY + timedelta(days=999), 0)]


def test_the_cli_dry_run_and_purge(app, runner, dialogues):
    app.config["RETENTION_DAYS"] = 365
    before = _snapshot()
    result = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Skulle gallra dialog" in result.output and "Gammal dialog" in result.output
    assert "1 namn" in result.output and "6 deltagarnycklar" in result.output
    assert "Ny dialog" not in result.output and "Inget ändrades" in result.output
    assert _snapshot() == before

    result = runner.invoke(args=["retention", "purge", "--days", "5"])
    assert result.exit_code == 0, result.output
    assert "Gallrade dialog" in result.output
    assert "Gammal dialog" in result.output and "Ny dialog" in result.output
    assert len(db.session.scalars(select(PurgeLog)).all()) == 2

    result = runner.invoke(args=["retention", "purge", "--days", "5"])
    assert "Inget att gallra" in result.output
    assert runner.invoke(args=["retention", "purge", "--days", "-1"]).exit_code != 0
