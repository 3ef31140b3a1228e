"""One politiker and one chef in a room of 20: neither's answer can be read, nor worked out
from the total and the groups shown, on any surface the room or IVO gets: the socket `tally`
messages and snapshots of phones, console and projector, the API, the minutes in HTML, PDF,
CSV and JSON, the preparation summary of the answers before the meeting, and the samsyn
figure (the share agreeing per group) the console and the samsyn page show."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from helpers_api import bearer, token_for
from helpers_groups import rank
from helpers_live import events, new_meeting, ok, received
from pypdf import PdfReader
from sqlalchemy import select

from facilitator.accounts.models import User
from facilitator.contributions import services as contributions
from facilitator.extensions import db
from facilitator.live import tallies
from facilitator.organizations.models import Organization
from facilitator.participants import services as participants

VALUES = ("agree", "partly", "disagree", "unknown")
LIMIT = 3

#: (board, role, answer before the meeting, answer during it). The politiker alone
#: disagrees and the chef alone does not know, before and during: any leak would show.
ROOM = (
    [("Gnesta", "politiker", "disagree", "disagree"),
     ("Nyköping", "chef", "unknown", "unknown")]
    + [("Gnesta", "socialsekreterare", v, w) for v, w in
       [("agree", "agree"), ("agree", "partly"), ("partly", "agree"), ("agree", "agree"),
        ("partly", "partly"), ("agree", "agree")]]
    + [("Gnesta", "arbetsledare", v, w) for v, w in
       [("agree", "partly"), ("partly", "partly"), ("agree", "agree")]]
    + [("Nyköping", "socialsekreterare", v, w) for v, w in
       [("agree", "agree"), ("partly", "agree"), ("agree", "partly"), ("agree", "agree"),
        ("partly", "agree")]]
    + [("Nyköping", "arbetsledare", v, w) for v, w in
       [("agree", "agree"), ("agree", "partly"), ("partly", "partly"), ("agree", "agree")]]
)
SINGLED = [("Gnesta", "politiker"), ("Nyköping", "chef")]
ROLE_LABELS = {"Politiker": "politiker", "Chef": "chef", "Arbetsledare": "arbetsledare",
               "Socialsekreterare": "socialsekreterare", "Övriga": "_other"}


def _cells(phase: int) -> dict:
    """The truth: answers per (board, role) and value, for phase 2 (before) or 3 (during)."""
    cells: dict = {}
    for person in ROOM:
        counts = cells.setdefault(person[:2], dict.fromkeys(VALUES, 0))
        counts[person[phase]] += 1
    return cells


def assert_nobody_singled_out(total: dict, by_role: dict, by_board: dict, phase: int,
                              sizes_only: bool = False):
    """What one surface shows (everyone; groups by role and board, "_other" for Övriga) gives
    away neither the politiker's nor the chef's answer: no such group, no group under the
    limit, nothing under the limit left over, and no combination of what is shown (adding and
    subtracting groups and the total) that comes down to them."""
    cells = _cells(phase)
    if sizes_only:  # a surface that shows how many answered and a share, not the counts
        cells = {a: {"agree": sum(c.values())} for a, c in cells.items()}
    atoms = sorted(cells)
    assert {v: total.get(v, 0) for v in VALUES} == {
        v: sum(c.get(v, 0) for c in cells.values()) for v in VALUES}
    shown = [set(atoms)]
    for axis, breakdown in ((1, by_role), (0, by_board)):
        assert "politiker" not in breakdown and "chef" not in breakdown
        named = {k for k in breakdown if k != "_other"}
        for key, counts in breakdown.items():
            members = ({a for a in atoms if a[axis] not in named} if key == "_other"
                       else {a for a in atoms if a[axis] == key})
            assert sum(counts.get(v, 0) for v in VALUES) >= LIMIT, key
            # The numbers shown are those of these people: the check below is about them.
            assert {v: counts.get(v, 0) for v in VALUES} == {
                v: sum(cells[a].get(v, 0) for a in members) for v in VALUES}, key
            shown.append(members)
        rest = 20 - sum(sum(c.values()) for c in breakdown.values())
        assert rest == 0 or rest >= LIMIT
    matrix = [[int(a in s) for a in atoms] for s in shown]
    base = rank(matrix)
    for target in ([SINGLED[0]], [SINGLED[1]], SINGLED):
        assert rank(matrix + [[int(a in target) for a in atoms]]) > base, target


def _from_payload(tally: dict, phase: int):
    assert tally["n"] == 20 and tally["min_group_size"] == LIMIT
    assert_nobody_singled_out(tally["total"], tally["by_role"], tally["by_board"], phase)


def _from_rows(rows: list[tuple[str, str, list[int]]], phase: int):
    """Rows read from a page or a document: (section, label, counts per value)."""
    total, by_role, by_board = {}, {}, {}
    for section, label, counts in rows:
        values = dict(zip(VALUES, counts, strict=False))
        if section == "all":
            total = values
        elif section == "role":
            assert label in ROLE_LABELS, label
            by_role[ROLE_LABELS[label]] = values
        else:
            by_board["_other" if label == "Övriga" else label] = values
    assert total, "no total found"
    assert_nobody_singled_out(total, by_role, by_board, phase)


class _Tables(HTMLParser):
    """Every table row of a page as its cells' text, with the table's caption and the row
    group heading above it."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell, self._row, self.caption, self.group = [], None, None, "", ""
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.caption, self.group = "", ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if len(self._row) == 1:
                self.group = self._row[0]
            else:
                self.rows.append((self.caption, self.group, self._row))
            self._row = None

    def handle_data(self, data):
        if self._in_caption:
            self.caption += data
        if self._cell is not None:
            self._cell += data


def _tables(html: str) -> list:
    parser = _Tables()
    parser.feed(html)
    return parser.rows


@pytest.fixture
def room(app, socket_client):
    """20 participants on two boards answer before the meeting and in its poll."""
    meeting = new_meeting(app, socket_client)
    boards = {o.short_name: o.id for o in db.session.scalars(select(Organization))}
    first = meeting.reflection_ids[0]
    tokens = []
    for board, role, before, _during in ROOM:
        participant, token = participants.join(
            meeting.dialogue, {"organization": str(boards[board]), "role": role})
        contributions.set_stance(participant, {"reflection_id": first, "value": before})
        tokens.append(token)
    db.session.commit()  # the entry points commit
    phones = [meeting.phone(token=token) for token in tokens]
    meeting.console = meeting.facilitator_socket()
    meeting.projector = meeting.projector_socket()
    ok(meeting.console.emit("agenda", {"action": "start"}, callback=True))
    ok(meeting.console.emit("poll", {"action": "open", "reflection_id": first},
                            callback=True))
    for sc, person in zip(phones, ROOM, strict=True):
        ok(sc.emit("stance", {"reflection_id": first, "value": person[3]}, callback=True))
    meeting.phones = phones
    meeting.first = first
    return meeting


def test_no_socket_message_singles_anyone_out(room):
    # A socialsekreterare's phone, the politiker's own phone, the console, the projector.
    watchers = [room.phones[2], room.phones[0], room.console, room.projector]
    for sc in watchers:
        received(sc)
    tallies.flush()
    for sc in watchers:
        [message] = events(sc, "tally")
        _from_payload(message["stances"], 3)
        snapshot = ok(sc.emit("snapshot", {}, callback=True))["snapshot"]
        [tally] = [t for t in snapshot["tallies"] if t["reflection_id"] == room.first]
        _from_payload(tally, 3)
    # The poll's result is still there for the room: everyone, and the groups that may be.
    assert message["stances"]["n"] == 20 and message["stances"]["by_role"]


def _closed(room, client, auth):
    auth.login("fac@ivo.se")
    assert client.post(f"/dialoger/{room.dialogue_id}/stang").status_code == 302
    return f"/dialoger/{room.dialogue_id}/protokoll/v1"


def _minutes_rows(rows, phase_label: str):
    out = []
    for caption, group, cells in rows:
        if not caption.startswith(phase_label) or cells[0] == "Grupp":
            continue
        section = {"": "all", "Per roll": "role", "Per nämnd": "board"}[group]
        out.append((section, cells[0], [int(x) for x in cells[1:5]]))
    return out


def test_the_minutes_in_every_format_single_no_one_out(room, client, auth):
    base = _closed(room, client, auth)
    html = client.get(base).get_data(as_text=True)
    rows = _tables(html)
    _from_rows(_minutes_rows(rows, "Före mötet"), 2)
    _from_rows(_minutes_rows(rows, "Under mötet"), 3)
    assert "Grupper med färre än 3 svar redovisas inte separat" in html

    content = client.get(f"{base}.json").json["content"]
    for phase, index in (("pre", 2), ("live", 3)):
        tally = content["reflections"][0]["stances"][phase]
        assert tally["n"] == 20
        _from_payload({
            "n": tally["n"], "total": tally["total"], "min_group_size": tally["min_group_size"],
            "by_role": {r["role"]: r["counts"] for r in tally["by_role"]},
            "by_board": {("_other" if r["board"]["group"] == "pooled"
                          else r["board"]["short_name"]): r["counts"]
                         for r in tally["by_board"]},
        }, index)

    text = "\n".join(page.extract_text() for page in
                     PdfReader(io.BytesIO(client.get(f"{base}.pdf").data)).pages)
    stances = text.split("Reflektioner och samsyn", 1)[1]
    assert "Grupper med färre än 3 svar redovisas" in re.sub(r"\s+", " ", text)
    assert not re.search(r"\b(Politiker|Chef)\b", stances)
    # The same numbers as the page: row by row, label and counts.
    for phase_label in ("Före mötet", "Under mötet"):
        for _section, label, counts in _minutes_rows(rows, phase_label):
            assert re.search(rf"{label}\s+" + r"\s+".join(map(str, counts)), stances), label

    raw = client.get(f"{base}.csv").data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(raw), delimiter=";"))[0][0] == "Nr"
    assert not re.search(r"(?i)\b(politiker|chef)\b", raw)  # no answers at all in it


def test_the_api_trace_singles_no_one_out(room, client, auth):
    _closed(room, client, auth)
    token = token_for(db.session.scalar(select(User).where(User.email == "fac@ivo.se")))
    response = client.get(f"/api/v1/dialogues/{room.dialogue_id}/reflections/{room.first}"
                          "/trace", headers=bearer(token))
    assert response.status_code == 200
    steps = {s["kind"]: s for s in response.json["steps"]}
    for kind, phase in (("stances_pre", 2), ("stances_live", 3)):
        _from_rows([(row["group"], row["label"], row["counts"])
                    for row in steps[kind]["table"]], phase)


def test_the_preparation_summary_singles_no_one_out(room, client, auth):
    auth.login("fac@ivo.se")
    html = client.get(f"/dialoger/{room.dialogue_id}/sammanfattning").get_data(as_text=True)
    part = html.split(f'id="s-{room.first}"', 1)[1].split("</section>", 1)[0]
    rows = []
    for caption, _group, cells in _tables(part):
        if cells[0] in ("Roll", "Nämnd"):
            continue
        section = "role" if caption.startswith("Svar efter roll") else "board"
        rows.append((section, cells[0], [int(x) for x in cells[1:5]]))
    total = re.search(r"20 svar:\s*Håller med (\d+).*?Delvis (\d+).*?Håller inte med (\d+)"
                      r".*?Vet inte (\d+)", part, re.S)
    rows.append(("all", "Alla", [int(x) for x in total.groups()]))
    assert any(r[0] == "role" for r in rows) and any(r[0] == "board" for r in rows)
    _from_rows(rows, 2)



def test_the_consensus_figure_singles_no_one_out(room, client, auth):
    auth.login("fac@ivo.se")
    figures = client.get(f"/dialoger/{room.dialogue_id}/samsyn.json").json["reflections"]
    [figure] = [f for f in figures if f["reflection_id"] == room.first]
    assert figure["phase"] == "live" and figure["n"] == 20
    by = {"role": {}, "board": {}}
    for g in figure["groups"]:
        by[g["axis"]][g["key"]] = {"agree": g["n"]}
    assert by["role"] and by["board"]
    assert_nobody_singled_out({"agree": 20}, by["role"], by["board"], 3, sizes_only=True)
