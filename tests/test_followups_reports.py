"""Redovisning (PDF, DOCX), reminders by date, the board's calendar feed, and the overview."""

import email
import email.policy
import io
import logging
import re
import smtplib
from datetime import date

import pytest
from helpers_followups import PDF, make_item, make_link, make_world

from facilitator.extensions import mail
from facilitator.followups import commands, queries, reminders
from facilitator.followups.reviewers import Reviewer, reviewer_for_token


@pytest.fixture
def world(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return make_world()


def _items(world):
    """Gnesta: one due soon, one overdue, one done, one far off, one without date; Nyköping
    one overdue; IVO one overdue (IVO's own are not reminded to boards)."""
    soon = make_item(world, world.gnesta_id, title="Rutin för skyddsbedömning", due="2026-03-10")
    late = make_item(world, world.gnesta_id, title="Barnsamtal dokumenteras", due="2026-02-20")
    done = make_item(world, world.gnesta_id, title="Redan klart", due="2026-03-05")
    commands.change_status(world.facilitator, done.id, {"status": "done"})
    far = make_item(world, world.gnesta_id, title="Långsiktig översyn", due="2026-09-01")
    undated = make_item(world, world.gnesta_id, title="Utan datum", due="")
    proposed = make_item(world, world.gnesta_id, title="Bara föreslagen", due="2026-03-02",
                         status="proposed")
    nyk = make_item(world, world.nykoping_id, title="Nyköpings försenade", due="2026-01-15")
    ivo = make_item(world, None, title="IVO återkommer", due="2026-01-15")
    return locals()


def test_reminders_select_due_soon_and_overdue_by_date(world):
    items = _items(world)
    due = reminders.reminders_due(date(2026, 3, 1), 14)
    by_board = {e["organization"].short_name: e for e in due}
    assert set(by_board) == {"Gnesta", "Nyköping"}
    assert [i.title for i in by_board["Gnesta"]["due_soon"]] == ["Rutin för skyddsbedömning"]
    assert [i.title for i in by_board["Gnesta"]["overdue"]] == ["Barnsamtal dokumenteras"]
    assert [i.title for i in by_board["Nyköping"]["overdue"]] == ["Nyköpings försenade"]
    # Nine days out, the soon one is not yet in the window; on its day it is due, not overdue.
    gnesta = {e["organization"].short_name: e for e in reminders.reminders_due(
        date(2026, 2, 20), 14)}["Gnesta"]
    assert [i.title for i in gnesta["due_soon"]] == ["Barnsamtal dokumenteras"]
    assert gnesta["overdue"] == []
    # Finished items stop being reminded of.
    commands.change_status(world.facilitator, items["late"].id,
                           {"status": "not_done", "reason": "Ersatt av annan åtgärd."})
    gnesta = {e["organization"].short_name: e for e in reminders.reminders_due(
        date(2026, 3, 1), 14)}["Gnesta"]
    assert gnesta["overdue"] == []
    # --days widens the window.
    far = {e["organization"].short_name: e for e in reminders.reminders_due(
        date(2026, 3, 1), 200)}["Gnesta"]
    assert "Långsiktig översyn" in [i.title for i in far["due_soon"]]


def _mail_with(app, **config):
    """Flask-Mailman set up again from `config` (it reads the settings once)."""
    app.config.update(config)
    mail.init_app(app)


def test_remind_command_mails_each_board_in_swedish_then_english(world, app, runner):
    _items(world)
    result = runner.invoke(args=["followups", "remind", "--today", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "Påminnelse skickad till registrator@gnesta.se" in result.output
    assert "2 påminnelser." in result.output
    outbox = {m.to[0]: m for m in app.extensions["mailman"].outbox}
    assert set(outbox) == {"registrator@gnesta.se", "socialnamnden@nykoping.se"}
    gnesta = outbox["registrator@gnesta.se"]
    assert gnesta.subject == ("Påminnelse: uppföljningspunkter för Gnesta · "
                              "Reminder: follow-up items for Gnesta")
    assert gnesta.from_email == app.config["MAIL_DEFAULT_SENDER"]
    swedish, english = gnesta.body.split("In English")
    assert "Försenade (datumet har passerat):" in swedish and "Hej!" in swedish
    assert "Overdue (the date has passed):" in english and "Due soon:" in english
    for text in (swedish, english):
        assert "Barnsamtal dokumenteras" in text and "Rutin för skyddsbedömning" in text
        assert "Redan klart" not in text and "IVO återkommer" not in text
    # an e-mail writes long dates, each language its own way
    assert "(1 mars 2026)" in swedish and "(March 1, 2026)" in english
    assert not re.search(r"\d{4}-\d{2}-\d{2}", gnesta.body)
    bad = runner.invoke(args=["followups", "remind", "--today", "1 mars"])
    assert bad.exit_code != 0 and "ÅÅÅÅ-MM-DD" in bad.output


def test_without_a_mail_server_the_reminder_is_logged(world, app, runner, caplog):
    _items(world)
    _mail_with(app, MAIL_BACKEND="facilitator.core.mail.EmailBackend")
    with caplog.at_level(logging.WARNING):
        result = runner.invoke(args=["followups", "remind", "--today", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "To: registrator@gnesta.se" in caplog.text
    assert "Subject: Påminnelse: uppföljningspunkter för Gnesta" in caplog.text
    assert "Rutin för skyddsbedömning" in caplog.text and "Redan klart" not in caplog.text


def test_remind_command_sends_through_smtp(world, app, runner, monkeypatch):
    _items(world)
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, **kwargs):
            sent.append(("connect", host, port, kwargs.get("timeout")))

        def ehlo(self):
            pass

        def starttls(self, **kwargs):
            sent.append(("tls",))

        def login(self, user, password):
            sent.append(("login", user))

        def sendmail(self, from_addr, to_addrs, message, **kwargs):
            sent.append(("send", from_addr, to_addrs[0], message))

        def quit(self):
            sent.append(("quit",))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    _mail_with(app, MAIL_BACKEND="smtp", MAIL_SERVER="smtp.ivo.se", MAIL_PORT=587,
               MAIL_USE_TLS=True, MAIL_USERNAME="aterforing", MAIL_PASSWORD="hemligt",
               MAIL_DEFAULT_SENDER="a@ivo.se")
    result = runner.invoke(args=["followups", "remind", "--today", "2026-03-01", "--days", "14"])
    assert result.exit_code == 0, result.output
    sends = [s for s in sent if s[0] == "send"]
    assert {s[2] for s in sends} == {"registrator@gnesta.se", "socialnamnden@nykoping.se"}
    assert {s[1] for s in sends} == {"a@ivo.se"}
    # One connection for every mail, over TLS, logged in.
    assert [s[0] for s in sent] == ["connect", "tls", "login", "send", "send", "quit"]
    assert sent[0][1:] == ("smtp.ivo.se", 587, 30)
    gnesta = email.message_from_bytes(next(s[3] for s in sends
                                           if s[2] == "registrator@gnesta.se"),
                                      policy=email.policy.default)
    body = gnesta.get_content()
    assert "Försenade" in body and "Barnsamtal dokumenteras" in body and "Overdue" in body
    assert "Redan klart" not in body


def test_the_calendar_feed_has_the_open_items_due_dates(world, client):
    from icalendar import Calendar

    items = _items(world)
    token = make_link(world, world.gnesta_id)
    response = client.get(f"/granskning/{token}/kalender.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    expected = {items[k].id: items[k] for k in ("soon", "late", "far")}
    assert set(events) == {f"uppfoljning-{i}@aterforing" for i in expected}
    for item_id, item in expected.items():
        event = events[f"uppfoljning-{item_id}@aterforing"]
        assert event.decoded("dtstart") == item.due_date
        assert str(event["summary"]) == f"Klart senast: {item.title}"
        assert "Återföringsdialog Sörmland" in str(event["description"])
    # Stable: the same UIDs the next time.
    again = Calendar.from_ical(client.get(f"/granskning/{token}/kalender.ics").data)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)


def test_the_redovisning_pdf_has_the_items_in_swedish(world, client):
    from pypdf import PdfReader

    item = make_item(world, world.gnesta_id, title="Förhandsbedömning inom fjorton dagar – åäö ÅÄÖ")
    token = make_link(world, world.gnesta_id)
    reviewer = reviewer_for_token(token)
    commands.change_status(reviewer, item.id, {"status": "in_progress",
                                               "comment": "Ny rutin införd på enheten för barn."})
    commands.add_evidence(reviewer, item.id, {"url": "https://gnesta.se/rutin",
                                              "text": "Rutinen på webben"})
    make_item(world, world.nykoping_id, title="Nyköpings åtgärd")

    response = client.get(f"/granskning/{token}/redovisning.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages
                             ).split())  # lines wrap where the layout says
    assert "Redovisning av vidtagna åtgärder" in text
    assert "Förhandsbedömning inom fjorton dagar – åäö ÅÄÖ" in text
    assert "Pågår" in text
    assert "Ny rutin införd på enheten för barn." in text
    assert "https://gnesta.se/rutin" in text
    assert "Socialnämnden i Gnesta kommun" in text
    assert "Nyköpings åtgärd" not in text


def test_the_redovisning_docx_for_ivo(world, app):
    from docx import Document

    item = make_item(world, world.gnesta_id, title="Barnets röst i utredningen")
    commands.add_evidence(Reviewer(organization_id=world.gnesta_id), item.id, {},
                          file=_Upload(PDF, "Protokoll §12.pdf"))
    ivo = app.test_client()
    ivo.post("/logga-in", data={"email": "sara@ivo.se", "password": "ett-langt-testlosenord"})
    response = ivo.get(
        f"/dialoger/{world.dialogue_id}/uppfoljning/redovisning/{world.gnesta_id}.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "Barnets röst i utredningen" in text and "Protokoll §12.pdf" in text
    # A board not in the dialogue has no redovisning here.
    assert ivo.get(f"/dialoger/{world.dialogue_id}/uppfoljning/redovisning/999.pdf"
                   ).status_code == 404


def test_the_overview_counts_filters_and_marks_late_items(world, app, monkeypatch):
    _items(world)
    monkeypatch.setattr(queries, "today_local", lambda: date(2026, 3, 1))
    ivo = app.test_client()
    ivo.post("/logga-in", data={"email": "sara@ivo.se", "password": "ett-langt-testlosenord"})
    data = queries.overview(world.facilitator, {})
    table = dict(data["table"])
    gnesta = table["Socialnämnden i Gnesta kommun"]
    assert gnesta["counts"]["agreed"] == 4 and gnesta["counts"]["done"] == 1
    assert gnesta["counts"]["proposed"] == 1 and gnesta["overdue"] == 1
    assert table["IVO"]["overdue"] == 1

    html = ivo.get("/uppfoljning").get_data(as_text=True)
    assert "Försenad" in html
    filtered = ivo.get(f"/uppfoljning?organization_id={world.nykoping_id}").get_data(
        as_text=True)
    assert "Nyköpings försenade" in filtered and "Rutin för skyddsbedömning" not in filtered
    by_date = ivo.get("/uppfoljning?due_from=2026-03-01&due_to=2026-03-31").get_data(
        as_text=True)
    assert "Rutin för skyddsbedömning" in by_date and "Långsiktig översyn" not in by_date
    by_status = ivo.get("/uppfoljning?status=done").get_data(as_text=True)
    assert "Redan klart" in by_status and "Rutin för skyddsbedömning" not in by_status
    # Another facilitator, not on the dialogue, sees none of it.
    assert queries.overview(world.outsider, {})["items"] == []


class _Upload:
    def __init__(self, content, filename):
        self.stream = io.BytesIO(content)
        self.filename = filename
