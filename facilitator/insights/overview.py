"""IVO's overview across every dialogue a facilitator may read: deficiencies by theme and
year and how many boards each concerns, follow-up items by status and theme (overdue first),
the median time from meeting to completed measure; filtered by period, board and theme.

Counted: dialogues that are not drafts; a deficiency is a reflection of kind brist or oro;
a reflection with several themes counts once under each; a follow-up item belongs to the
themes of the reflection it came from ("Utan tema" otherwise); a measure is completed when
the item reached "genomförd", and its time is the days from the meeting's date to that day.
"""

import statistics
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select

from ..core.clock import today_local, utc_to_local
from ..core.payloads import to_multidict
from ..dialogues.access import require_facilitator, visible
from ..dialogues.models import Dialogue, DialogueStatus, Reflection, ReflectionKind
from ..errors import ValidationFailed
from ..extensions import db
from ..followups.commands import is_overdue
from ..followups.models import FollowUpEvent, FollowUpItem, FollowUpStatus, SourceKind
from ..organizations.models import Organization
from ..themes import services as theme_services
from .forms import OverviewForm

DEFICIENT = (ReflectionKind.DEFICIENCY, ReflectionKind.CONCERN)
NO_THEME = 0  # the key of "Utan tema"


@dataclass
class Overview:
    form: OverviewForm
    years: list[int] = field(default_factory=list)
    themes: list[tuple[int, str]] = field(default_factory=list)
    #: (theme id, year) -> number of deficiencies
    deficiencies: dict = field(default_factory=dict)
    #: theme id -> set of board ids concerned
    boards: dict = field(default_factory=dict)
    #: (theme id, status) -> number of items
    items: dict = field(default_factory=dict)
    overdue: list = field(default_factory=list)
    done_days: list[int] = field(default_factory=list)
    dialogues: int = 0

    @property
    def median_days(self):
        return statistics.median(self.done_days) if self.done_days else None

    def deficiency_total(self, theme_id) -> int:
        return sum(n for (t, _y), n in self.deficiencies.items() if t == theme_id)

    def item_total(self, theme_id) -> int:
        return sum(n for (t, _s), n in self.items.items() if t == theme_id)


def _date(dialogue: Dialogue):
    return utc_to_local(dialogue.starts_at or dialogue.created_at).date()


def _concerned(reflection: Reflection) -> set[int]:
    if reflection.applies_to_all or not reflection.organizations:
        return {o.id for o in reflection.dialogue.organizations}
    return {o.id for o in reflection.organizations}


def build(actor, args) -> Overview:
    """The overview for `actor` with the filters in `args` (a page's query string)."""
    require_facilitator(actor)
    all_themes = [(t.id, t.name) for t in theme_services.ordered()]
    boards = [(o.id, o.name) for o in db.session.scalars(
        select(Organization).order_by(Organization.name))]
    form = OverviewForm(formdata=to_multidict(args or {}), board_choices=boards,
                        theme_choices=all_themes)
    if args and not form.validate():
        raise ValidationFailed(_("Kontrollera filtren."), errors=form.errors)
    board = int(form.namnd.data) if form.namnd.data else None
    theme = int(form.tema.data) if form.tema.data else None

    dialogues = [d for d in db.session.scalars(
        select(Dialogue).where(visible(actor, Dialogue.id),
                               Dialogue.status != DialogueStatus.DRAFT))
        if (form.fran.data is None or _date(d) >= form.fran.data)
        and (form.till.data is None or _date(d) <= form.till.data)
        and (board is None or any(o.id == board for o in d.organizations))]
    out = Overview(form=form, dialogues=len(dialogues))
    names = dict(all_themes)
    names[NO_THEME] = _("Utan tema")
    reflection_themes: dict[int, list[int]] = {}
    for dialogue in dialogues:
        year = _date(dialogue).year
        for reflection in dialogue.reflections:
            ids = [t.id for t in reflection.themes] or [NO_THEME]
            reflection_themes[reflection.id] = ids
            if reflection.kind not in DEFICIENT:
                continue
            concerned = _concerned(reflection)
            if board is not None and board not in concerned:
                continue
            for tid in ids:
                if theme is not None and tid != theme:
                    continue
                out.deficiencies[(tid, year)] = out.deficiencies.get((tid, year), 0) + 1
                out.boards.setdefault(tid, set()).update(
                    concerned if board is None else {board})
                if year not in out.years:
                    out.years.append(year)

    by_id = {d.id: d for d in dialogues}
    query = select(FollowUpItem).where(FollowUpItem.dialogue_id.in_(list(by_id) or [0]))
    if board is not None:
        query = query.where(FollowUpItem.organization_id == board)
    items = list(db.session.scalars(query))
    done_on = _done_dates([i.id for i in items if i.status == FollowUpStatus.DONE])
    today = today_local()
    for item in items:
        ids = [NO_THEME]
        if item.source_kind == SourceKind.REFLECTION and item.source_id in reflection_themes:
            ids = reflection_themes[item.source_id]
        if theme is not None and theme not in ids:
            continue
        for tid in ids:
            key = (tid, item.status)
            out.items[key] = out.items.get(key, 0) + 1
        if is_overdue(item, today):
            out.overdue.append(item)
        if item.id in done_on:
            out.done_days.append((done_on[item.id] - _date(by_id[item.dialogue_id])).days)
    out.overdue.sort(key=lambda i: (i.due_date, i.id))
    used = {t for t, _y in out.deficiencies} | {t for t, _s in out.items}
    out.themes = [(tid, names[tid]) for tid in [*names] if tid in used]
    out.years.sort()
    return out


def _done_dates(item_ids: list[int]) -> dict:
    """The day each item last reached "genomförd" (Swedish date)."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(FollowUpEvent.item_id, FollowUpEvent.created_at)
        .where(FollowUpEvent.item_id.in_(item_ids),
               FollowUpEvent.to_status == FollowUpStatus.DONE.value)
        .order_by(FollowUpEvent.created_at))
    out = {}
    for item_id, when in rows:
        out[item_id] = utc_to_local(when).date()
    return out


# --- the charts, drawn on the server -------------------------------------------------------


def bar_chart(title: str, rows: list[tuple[str, list[tuple[str, int]]]], series: list[str],
              chart_id: str) -> str:
    """A horizontal grouped bar chart as SVG: one row per label, one bar per series.

    The table beside it holds the same figures; the SVG has a title and a description."""
    palette = ["#1d6b3a", "#14477a", "#8a6d00", "#a32b2b", "#5b4b8a", "#3d6f73"]
    peak = max([n for _l, values in rows for _s, n in values] or [1]) or 1
    bar_h, gap, label_w, width = 16, 10, 260, 720
    plot_w = width - label_w - 60
    height = 30 + len(rows) * (len(series) * bar_h + gap) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(_("Samma siffror finns i tabellen bredvid."))}'
             '</desc>']
    for i, name in enumerate(series):
        x = label_w + i * 120
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{palette[i % 6]}"/>'
                     f'<text x="{x + 16}" y="15" font-size="12">{escape(name)}</text>')
    y = 30
    for label, values in rows:
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * len(series) / 2 + 4}" '
                     f'font-size="13" text-anchor="end">{escape(label)}</text>')
        for i, (_name, n) in enumerate(values):
            w = round(plot_w * n / peak)
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h - 2}" '
                         f'fill="{palette[i % 6]}"/>'
                         f'<text x="{label_w + w + 4}" y="{y + bar_h - 4}" font-size="12">{n}'
                         '</text>')
            y += bar_h
        y += gap
    parts.append("</svg>")
    return "".join(parts)


def charts(view: Overview, status_labels: dict) -> dict:
    years = [str(y) for y in view.years]
    deficiency_rows = [(name, [(y, view.deficiencies.get((tid, int(y)), 0)) for y in years])
                       for tid, name in view.themes if view.deficiency_total(tid)]
    statuses = [s for s in FollowUpStatus if any(view.items.get((t, s)) for t, _n in view.themes)]
    item_rows = [(name, [(str(status_labels[s]), view.items.get((tid, s), 0))
                         for s in statuses])
                 for tid, name in view.themes if view.item_total(tid)]
    return {
        "deficiency_svg": bar_chart(_("Brister per tema och år"), deficiency_rows, years,
                                    "chart-deficiencies") if deficiency_rows else None,
        "item_svg": bar_chart(_("Uppföljningspunkter per tema och status"), item_rows,
                              [str(status_labels[s]) for s in statuses], "chart-items")
        if item_rows else None,
        "statuses": statuses,
    }


def csv_rows(view: Overview, status_labels: dict) -> list[list[str]]:
    """The overview's figures as one table: what, theme, year or status, count, boards."""
    rows = [[_("Del"), _("Tema"), _("År"), _("Status"), _("Antal"), _("Nämnder")]]
    for tid, name in view.themes:
        for year in view.years:
            n = view.deficiencies.get((tid, year), 0)
            if n:
                rows.append([_("Brister"), name, str(year), "", str(n), ""])
        if view.deficiency_total(tid):
            rows.append([_("Brister"), name, _("Alla år"), "", str(view.deficiency_total(tid)),
                         str(len(view.boards.get(tid, ())))])
    for tid, name in view.themes:
        for status in FollowUpStatus:
            n = view.items.get((tid, status), 0)
            if n:
                rows.append([_("Uppföljningspunkter"), name, "", str(status_labels[status]),
                             str(n), ""])
    if view.median_days is not None:
        rows.append([_("Median dagar från möte till genomförd åtgärd"), "", "", "",
                     str(view.median_days), ""])
    return rows
