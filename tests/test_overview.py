"""IVO's overview across dialogues: on the demo its counts match a direct count in the
database, filters narrow them, and the CSV holds the same figures."""

import csv
import io

import pytest
from sqlalchemy import text

from facilitator.demo import data
from facilitator.extensions import db
from facilitator.insights import overview


@pytest.fixture
def demo(app, make_user, auth):
    make_user("demo@ivo.se", "Demo", is_admin=True)
    data.load()
    auth.login("demo@ivo.se")


def direct(sql: str, **params) -> dict:
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(text(sql), params)}


DEFICIENCIES = """
    SELECT t.name, CAST(strftime('%Y', d.starts_at) AS INTEGER), COUNT(*)
    FROM reflections r JOIN dialogues d ON d.id = r.dialogue_id
    JOIN reflection_themes rt ON rt.reflection_id = r.id JOIN themes t ON t.id = rt.theme_id
    WHERE r.kind IN ('deficiency', 'concern') AND d.status != 'draft'
    GROUP BY t.name, 2
"""
ITEMS = """
    SELECT t.name, i.status, COUNT(*) FROM followup_items i
    JOIN reflection_themes rt ON rt.reflection_id = i.source_id AND i.source_kind = 'reflection'
    JOIN themes t ON t.id = rt.theme_id GROUP BY t.name, i.status
"""


def test_the_overview_counts_match_the_database(demo, client):
    from facilitator.accounts.models import User

    actor = db.session.scalar(db.select(User).where(User.email == "demo@ivo.se"))
    view = overview.build(actor, {})
    names = dict(view.themes)
    counted = {(names[t], y): n for (t, y), n in view.deficiencies.items()}
    assert counted == direct(DEFICIENCIES)
    assert sum(counted.values()) > 5 and {2016, 2019} <= set(view.years)
    items = {(names[t], s.value): n for (t, s), n in view.items.items()}
    assert items == direct(ITEMS)
    # Deficiencies on the child's view concern Gnesta and the seven Stockholm boards.
    child = next(t for t, name in view.themes if name.startswith("Barnets"))
    assert len(view.boards[child]) == 8
    # 2016: done after 133 and 70 days; 2019: after 159 days -> median 133.
    assert sorted(view.done_days) == [70, 133, 159] and view.median_days == 133
    assert [i.title for i in view.overdue] == [
        "Barnets inställning dokumenteras i varje utredning, eller varför den saknas"]

    page = client.get("/oversikt")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html and 'id="deficiency-table"' in html
    assert html.index('id="overdue-heading"') < html.index('id="deficiencies-heading"')

    response = client.get("/oversikt.csv")
    assert response.mimetype == "text/csv"
    body = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == ["Del", "Tema", "År", "Status", "Antal", "Nämnder"]
    from_csv = {(r[1], int(r[2])): int(r[4]) for r in rows[1:]
                if r[0] == "Brister" and r[2].isdigit()}
    assert from_csv == counted
    assert ["Median dagar från möte till genomförd åtgärd", "", "", "", "133", ""] in rows


def test_filters_by_period_board_and_theme(demo, client):
    from facilitator.accounts.models import User

    actor = db.session.scalar(db.select(User).where(User.email == "demo@ivo.se"))
    gnesta = db.session.execute(text(
        "SELECT id FROM organizations WHERE short_name = 'Gnesta'")).scalar_one()
    view = overview.build(actor, {"fran": "2016-01-01", "till": "2019-12-31"})
    assert view.years == [2016, 2019] and view.dialogues == 2
    view = overview.build(actor, {"namnd": str(gnesta), "fran": "2019-01-01",
                                  "till": "2019-12-31"})
    assert view.years == [2019] and all(len(b) == 1 for b in view.boards.values())
    child = next(t for t, name in view.themes if name.startswith("Barnets"))
    view = overview.build(actor, {"tema": str(child)})
    assert {t for t, _y in view.deficiencies} == {child}
    bad = client.get("/oversikt?fran=2020-01-01&till=2019-01-01")
    assert bad.status_code == 400
    assert "Slutdatumet kan inte vara före startdatumet." in bad.get_data(as_text=True)
