"""The small-group rule, written once: no result shows a group with fewer answers than
`MIN_GROUP_SIZE` on its own, and none lets such a group be worked out from what is shown.

A breakdown is counts per group: ``{group: {value: count}}`` (a role, a board). Protecting it:

1. groups below the limit leave the breakdown and are pooled as ``_other`` ("Övriga");
2. when that pool is itself below the limit (the total minus the shown groups would single it
   out), the next smallest shown group joins it, until the pool is large enough;
3. a breakdown that is left with nothing but the pool (it would only repeat the total), or
   whose total is below the limit, is withheld: no groups, ``withheld`` true.

When a result is broken down two ways (by role and by board) over the same answers, the two
together can give away a small board × role group that neither shows (a board minus a role
that only that board has). `protect_cells` checks every combination of the shown groups and
the total for that, exactly, and pools boards until nothing small can be derived.
`protect_release` adds each shown board's own roles (board × role, as a board's history shows
them) to the same check, and pools within boards until those give nothing away either.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from flask import current_app, has_app_context
from flask_babel import gettext as _

#: The key small groups are pooled under ("Övriga"); never a real role or board.
OTHER = "_other"

#: The default limit, when there is no app (and the setting's default).
DEFAULT_MIN_GROUP_SIZE = 3

#: The fixed order of role groups in every result; "Övriga" comes after them.
ROLE_ORDER = ("politiker", "chef", "arbetsledare", "socialsekreterare", "annan", "ivo")

#: How many combinations of small groups the exact check may try before it plays safe.
_SEARCH_BUDGET = 50_000

Counts = Mapping[str, int]


def min_group_size() -> int:
    """The configured small-group limit (`MIN_GROUP_SIZE`, at least 1)."""
    if has_app_context():
        return max(1, int(current_app.config.get("MIN_GROUP_SIZE", DEFAULT_MIN_GROUP_SIZE)))
    return DEFAULT_MIN_GROUP_SIZE


def size(counts: Counts) -> int:
    """The number of answers in a group's counts."""
    return sum(counts.values())


def _add(into: dict[str, int], counts: Counts) -> dict[str, int]:
    for value, n in counts.items():
        if n:
            into[value] = into.get(value, 0) + n
    return into


@dataclass(frozen=True)
class Breakdown:
    """A protected breakdown: the groups that may be shown (``_other`` among them) and
    whether the breakdown is withheld. `pooled` names the groups counted in ``_other``; it
    is for the server's own checks and never leaves it."""

    groups: dict[str, dict[str, int]]
    withheld: bool
    pooled: frozenset[str] = field(default_factory=frozenset)


def protect(groups: Mapping[str, Counts], total: Counts | None = None,
            limit: int | None = None, pool: Iterable[str] = ()) -> Breakdown:
    """Protect a breakdown of counts per group against its total.

    `total` defaults to the sum of the groups; answers in the total but in no group count
    in the pool. `pool` names groups to pool whatever their size (used by `protect_cells`).
    """
    limit = min_group_size() if limit is None else limit
    present = {key: dict(counts) for key, counts in groups.items() if size(counts) > 0}
    everyone: dict[str, int] = {}
    for counts in present.values():
        _add(everyone, counts)
    n = size(everyone)
    rest: dict[str, int] = {}
    if total is not None:
        for value, count in total.items():
            extra = count - everyone.get(value, 0)
            if extra < 0:
                raise ValueError("a group has more answers than the total")
            if extra:
                rest[value] = extra
        n = size(total)
    if n == 0:
        return Breakdown({}, False)
    if n < limit:
        return Breakdown({}, True)

    forced = set(pool)
    shown = {k: c for k, c in present.items()
             if size(c) >= limit and k not in forced and k != OTHER}
    pooled = set(present) - set(shown)
    other = dict(rest)
    for key in pooled:
        _add(other, present[key])
    # The total minus the shown groups is the pool: it must not single anyone out either.
    while 0 < size(other) < limit and shown:
        smallest = min(shown, key=lambda k: (size(shown[k]), k))
        _add(other, shown.pop(smallest))
        pooled.add(smallest)
    if not shown:  # nothing but the pool (or nothing at all): it would only repeat the total
        return Breakdown({}, True)
    if size(other):
        shown[OTHER] = other
    return Breakdown(shown, False, frozenset(pooled))


def _members(breakdown: Breakdown, atoms: Iterable[tuple[str, str]], axis: int):
    """The atoms (board, role) behind each shown group of a breakdown along one axis."""
    sets: dict[str, set] = {key: set() for key in breakdown.groups}
    for atom in atoms:
        key = atom[axis]
        if key in breakdown.pooled or key == OTHER:
            sets[OTHER].add(atom)
        elif key in sets:
            sets[key].add(atom)
    return [frozenset(s) for s in sets.values() if s]


#: Row reduction runs modulo this prime when the matrix is small enough that no minor of a
#: 0/1 matrix of its size can reach it (Hadamard's bound): then ranks, and so what can be
#: derived, are exactly those over the rationals, at integer speed.
_PRIME = (1 << 61) - 1
_MAX_ROWS_MODULAR = 32


def _null_coordinates(rows: list[list[int]], ncols: int, prime: int | None) -> list[list]:
    """For each column, its coordinates in a basis of the matrix's null space: a set of
    columns is a combination of the rows exactly when its coordinates sum to zero."""
    if prime:
        m = [[x % prime for x in row] for row in rows]

        def scaled(row, head):
            inverse = pow(head, prime - 2, prime)
            return [x * inverse % prime for x in row]

        def sub(a, f, b):
            return (a - f * b) % prime
        zero, one = 0, 1
    else:
        m = [[Fraction(x) for x in row] for row in rows]

        def scaled(row, head):
            return [x / head for x in row]

        def sub(a, f, b):
            return a - f * b
        zero, one = Fraction(0), Fraction(1)
    pivots: list[int] = []
    r = 0
    for c in range(ncols):
        pivot = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        m[r] = scaled(m[r], m[r][c])
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [sub(x, f, y) for x, y in zip(m[i], m[r], strict=True)]
        pivots.append(c)
        r += 1
        if r == len(m):
            break
    free = [c for c in range(ncols) if c not in pivots]
    z = [[zero] * len(free) for _ in range(ncols)]
    for j, f in enumerate(free):
        z[f][j] = one
        for i, p in enumerate(pivots):
            z[p][j] = sub(zero, m[i][f], one)
    return z


def _derivable_small(sizes: Mapping, shown: list[frozenset], limit: int) -> bool:
    """Whether some set of atoms with 0 < n < limit answers is a linear combination of the
    shown groups (the total among them): whether subtracting and adding what is shown could
    single out a small group. Exact."""
    atoms = [a for a, n in sizes.items() if n > 0]
    # Atoms no shown group tells apart are one atom to anyone reading the result.
    classes: dict[tuple, int] = {}
    for atom in atoms:
        signature = tuple(atom in s for s in shown)
        classes[signature] = classes.get(signature, 0) + sizes[atom]
    columns = list(classes)
    rows = [[int(sig[i]) for sig in columns] for i in range(len(shown))]
    prime = _PRIME if len(rows) <= _MAX_ROWS_MODULAR else None
    z = _null_coordinates(rows, len(columns), prime)
    small = [c for c in range(len(columns)) if classes[columns[c]] < limit]
    budget = [_SEARCH_BUDGET]

    def search(start: int, n: int, acc: list) -> bool:
        for k in range(start, len(small)):
            c = small[k]
            m = n + classes[columns[c]]
            if m >= limit:
                continue
            budget[0] -= 1
            if budget[0] < 0:
                return True  # too many to try: assume the worst
            total = [a + b for a, b in zip(acc, z[c], strict=True)]
            if prime:
                total = [x % prime for x in total]
            if not any(total) or search(k + 1, m, total):
                return True
        return False

    return search(0, 0, [0] * len(z[0]) if z else [])


def protect_cells(cells: Mapping[tuple[str, str], Counts],
                  limit: int | None = None) -> tuple[Breakdown, Breakdown]:
    """Protect the breakdowns by role and by board of the same answers, given as counts per
    (board, role): each on its own, then the two together (see the module's docstring).
    Returns (by role, by board)."""
    limit = min_group_size() if limit is None else limit
    by_role: dict[str, dict[str, int]] = {}
    by_board: dict[str, dict[str, int]] = {}
    sizes: dict[tuple[str, str], int] = {}
    for (board, role), counts in cells.items():
        _add(by_role.setdefault(role, {}), counts)
        _add(by_board.setdefault(board, {}), counts)
        sizes[(board, role)] = sizes.get((board, role), 0) + size(counts)
    forced = _pooled_boards(tuple(sorted((k, n) for k, n in sizes.items() if n > 0)), limit)
    return protect(by_role, limit=limit), protect(by_board, limit=limit, pool=forced)


@lru_cache(maxsize=512)
def _pooled_boards(sizes_items: tuple, limit: int) -> frozenset[str]:
    """The boards to pool beyond the small ones so that roles and boards shown together give
    no small group away. It depends on the group sizes only, so it is worked out once per
    set of sizes (a poll's tally is drawn again for every snapshot and every flush)."""
    sizes = dict(sizes_items)
    role_n: dict[str, dict[str, int]] = {}
    board_n: dict[str, dict[str, int]] = {}
    for (board, role), n in sizes.items():
        _add(role_n.setdefault(role, {}), {"n": n})
        _add(board_n.setdefault(board, {}), {"n": n})
    roles = protect(role_n, limit=limit)
    forced: set[str] = set()
    boards = protect(board_n, limit=limit)
    everyone = frozenset(sizes)
    while not roles.withheld and not boards.withheld and roles.groups and boards.groups:
        shown = [everyone, *_members(roles, everyone, 1), *_members(boards, everyone, 0)]
        if not _derivable_small(sizes, shown, limit):
            break
        # The board view gives way: the next smallest shown board joins "Övriga".
        candidates = {k: c for k, c in boards.groups.items() if k != OTHER}
        forced.add(min(candidates, key=lambda k: (size(candidates[k]), k)))
        boards = protect(board_n, limit=limit, pool=forced)
    return frozenset(forced)


@dataclass(frozen=True)
class Release:
    """Everything that may be shown of one set of answers: by role and by board for the
    whole room, and each shown board's roles (board × role, as a board's history shows
    them), checked together so that no surface adds what another leaves out."""

    roles: Breakdown
    boards: Breakdown
    within: dict[str, Breakdown]


def protect_release(cells: Mapping[tuple[str, str], Counts],
                    limit: int | None = None) -> Release:
    """As `protect_cells`, with each shown board's roles too. A board the room's view pools
    shows no roles; a board's roles that would give a small group away, beside the room's
    roles and boards, join that board's "Övriga" (the smallest first)."""
    limit = min_group_size() if limit is None else limit
    by_role: dict[str, dict[str, int]] = {}
    by_board: dict[str, dict[str, int]] = {}
    inner: dict[str, dict[str, dict[str, int]]] = {}
    sizes: dict[tuple[str, str], int] = {}
    for (board, role), counts in cells.items():
        _add(by_role.setdefault(role, {}), counts)
        _add(by_board.setdefault(board, {}), counts)
        _add(inner.setdefault(board, {}).setdefault(role, {}), counts)
        sizes[(board, role)] = sizes.get((board, role), 0) + size(counts)
    forced_boards, forced_cells = _release_plan(
        tuple(sorted((k, n) for k, n in sizes.items() if n > 0)), limit)
    boards = protect(by_board, limit=limit, pool=forced_boards)
    within = {b: protect(inner[b], limit=limit, pool={r for bb, r in forced_cells if bb == b})
              for b in boards.groups if b != OTHER}
    return Release(protect(by_role, limit=limit), boards, within)


@lru_cache(maxsize=512)
def _release_plan(sizes_items: tuple, limit: int) -> tuple[frozenset, frozenset]:
    """The boards, and the (board, role) groups within shown boards, to pool beyond the
    small ones; from the group sizes only."""
    forced_boards = _pooled_boards(sizes_items, limit)
    sizes = dict(sizes_items)
    role_n: dict[str, dict[str, int]] = {}
    board_n: dict[str, dict[str, int]] = {}
    inner_n: dict[str, dict[str, dict[str, int]]] = {}
    for (board, role), n in sizes.items():
        _add(role_n.setdefault(role, {}), {"n": n})
        _add(board_n.setdefault(board, {}), {"n": n})
        inner_n.setdefault(board, {})[role] = {"n": n}
    roles = protect(role_n, limit=limit)
    boards = protect(board_n, limit=limit, pool=forced_boards)
    everyone = frozenset(sizes)
    base = [everyone]
    if roles.groups:
        base += _members(roles, everyone, 1)
    if boards.groups:
        base += _members(boards, everyone, 0)
    forced: set[tuple[str, str]] = set()
    while True:
        within = {b: protect(inner_n[b], limit=limit,
                             pool={r for bb, r in forced if bb == b})
                  for b in boards.groups if b != OTHER}
        extra = []
        for b, breakdown in within.items():
            atoms = frozenset(a for a in everyone if a[0] == b)
            extra += _members(breakdown, atoms, 1) if breakdown.groups else []
        if not extra or not _derivable_small(sizes, base + extra, limit):
            return forced_boards, frozenset(forced)
        # The smallest role shown within a board joins that board's "Övriga".
        candidates = [(size(c), b, r) for b, breakdown in within.items()
                      for r, c in breakdown.groups.items() if r != OTHER]
        _n, b, r = min(candidates)
        forced.add((b, r))


def role_sort_key(key: str) -> tuple[int, str]:
    """Roles in the fixed order (politiker, chef, arbetsledare, socialsekreterare, annan),
    anything else after them by name, "Övriga" last."""
    if key == OTHER:
        return (len(ROLE_ORDER) + 1, "")
    if key in ROLE_ORDER:
        return (ROLE_ORDER.index(key), "")
    return (len(ROLE_ORDER), key)


def board_sort_key(key: str) -> tuple[int, str]:
    """Boards by name, "Övriga" last."""
    return (1, "") if key == OTHER else (0, key.casefold())


def note(limit: int | None = None) -> str:
    """The rule in a sentence, with the limit a result was made with."""
    return _("Grupper med färre än %(n)d svar redovisas inte separat: de räknas in i ”Alla” "
             "och visas tillsammans som ”Övriga” när de tillsammans är tillräckligt många.",
             n=min_group_size() if limit is None else limit)


def withheld_text(n: int, by_role: bool, by_board: bool) -> str:
    """What a result with `n` answers says of the breakdowns it leaves out, or ""."""
    if not n or not (by_role or by_board):
        return ""
    if by_role and by_board:
        return _("För få svar för att visa per grupp.")
    if by_role:
        return _("För få svar för att visa per roll.")
    return _("För få svar för att visa per nämnd.")
