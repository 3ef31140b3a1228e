"""The small-group rule (core/groups.py): no shown group below the limit, nothing small to be
worked out by subtracting what is shown from the total, alone or across role and board."""

from itertools import combinations

from helpers_groups import rank
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core import groups
from facilitator.core.groups import OTHER, protect, protect_cells

VALUES = ("agree", "partly", "disagree", "unknown")


def n(counts) -> int:
    return sum(counts.values())


def test_small_groups_are_pooled_as_other_when_the_pool_is_large_enough():
    result = protect({"socialsekreterare": {"agree": 10}, "arbetsledare": {"agree": 5},
                      "politiker": {"disagree": 1}, "chef": {"partly": 1},
                      "annan": {"unknown": 1}}, limit=3)
    assert result.groups == {"socialsekreterare": {"agree": 10}, "arbetsledare": {"agree": 5},
                             OTHER: {"disagree": 1, "partly": 1, "unknown": 1}}
    assert not result.withheld


def test_the_next_smallest_group_joins_a_pool_that_would_single_someone_out():
    # Politiker 1 and chef 1: a pool of 2 could be read as the total minus the others.
    result = protect({"socialsekreterare": {"agree": 12}, "arbetsledare": {"agree": 4, "partly": 2},
                      "politiker": {"disagree": 1}, "chef": {"partly": 1}}, limit=3)
    assert set(result.groups) == {"socialsekreterare", OTHER}
    assert result.groups[OTHER] == {"agree": 4, "partly": 3, "disagree": 1}


def test_a_breakdown_that_would_only_repeat_the_total_is_withheld():
    assert protect({"a": {"agree": 2}, "b": {"agree": 2}}, limit=3).withheld
    assert protect({"a": {"agree": 1}, "b": {"agree": 5}}, limit=3).withheld
    assert protect({"a": {"agree": 2}}, limit=3) == groups.Breakdown({}, True)


def test_a_room_below_the_limit_shows_no_breakdown_and_an_empty_room_nothing_at_all():
    assert protect({"a": {"agree": 1}, "b": {"agree": 1}}, limit=3).withheld
    empty = protect({}, limit=3)
    assert empty.groups == {} and not empty.withheld


def test_one_group_of_everyone_is_shown():
    assert protect({"socialsekreterare": {"agree": 3}}, limit=3).groups == {
        "socialsekreterare": {"agree": 3}}


def test_answers_outside_every_group_count_in_the_pool():
    result = protect({"a": {"agree": 5}, "b": {"agree": 4}}, total={"agree": 10}, limit=3)
    # One answer in no group: b joins it, so that one answer cannot be read as 10 - 5 - 4.
    assert result.groups == {"a": {"agree": 5}, OTHER: {"agree": 5}}


def test_the_limit_comes_from_the_setting(app):
    with app.app_context():
        assert groups.min_group_size() == 3
        app.config["MIN_GROUP_SIZE"] = 5
        assert groups.min_group_size() == 5
        assert protect({"a": {"agree": 4}, "b": {"agree": 6}}).withheld


def test_a_board_minus_a_role_only_it_has_is_not_left_to_subtract():
    # Gnesta: 10 socialsekreterare and the only politiker; Nyköping: 9 arbetsledare.
    # By role: socialsekreterare 10 and Övriga 10 (politiker + arbetsledare); by board:
    # Gnesta 11 would give the politiker's answer as Gnesta minus socialsekreterare.
    cells = {("Gnesta", "socialsekreterare"): {"agree": 10},
             ("Gnesta", "politiker"): {"disagree": 1},
             ("Nyköping", "arbetsledare"): {"agree": 9}}
    roles, boards = protect_cells(cells, 3)
    assert roles.groups == {"socialsekreterare": {"agree": 10},
                            OTHER: {"agree": 9, "disagree": 1}}
    assert boards.withheld and boards.groups == {}


def test_boards_and_roles_that_give_nothing_away_are_both_shown():
    cells = {("Gnesta", "socialsekreterare"): {"agree": 3, "partly": 1},
             ("Gnesta", "arbetsledare"): {"agree": 2, "disagree": 1},
             ("Nyköping", "socialsekreterare"): {"disagree": 4},
             ("Nyköping", "arbetsledare"): {"partly": 3}}
    roles, boards = protect_cells(cells, 3)
    assert set(roles.groups) == {"socialsekreterare", "arbetsledare"}
    assert set(boards.groups) == {"Gnesta", "Nyköping"}


def test_roles_in_the_fixed_order_and_other_last():
    keys = [OTHER, "socialsekreterare", "annan", "politiker", "arbetsledare", "chef"]
    assert sorted(keys, key=groups.role_sort_key) == [
        "politiker", "chef", "arbetsledare", "socialsekreterare", "annan", OTHER]
    assert sorted([OTHER, "Nyköping", "Gnesta"], key=groups.board_sort_key) == [
        "Gnesta", "Nyköping", OTHER]


# --- properties ------------------------------------------------------------------------

counts = st.dictionaries(st.sampled_from(VALUES), st.integers(0, 6), max_size=4)
breakdowns = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=2), counts, max_size=8)


def _sum(many) -> dict:
    out: dict = {}
    for c in many:
        for v, k in c.items():
            out[v] = out.get(v, 0) + k
    return out


@settings(max_examples=300, deadline=None)
@given(breakdowns, st.integers(1, 6))
def test_no_shown_group_is_small_and_the_rest_is_never_small(by_group, limit):
    result = protect(by_group, limit=limit)
    total = _sum(by_group.values())
    for key, c in result.groups.items():
        assert n(c) >= limit, key
        assert key == OTHER or c == by_group[key]
    rest = n(total) - sum(n(c) for c in result.groups.values())
    assert rest == 0 or rest >= limit or not result.groups
    if result.groups:  # "Alla" is still everyone: the shown groups add up to the total
        assert {v: k for v, k in _sum(result.groups.values()).items() if k} == {
            v: k for v, k in total.items() if k}
        assert len(result.groups) >= 1 and set(result.groups) != {OTHER}
    # Per answer value, too: what is left after the shown groups is never a small group.
    shown_real = [c for k, c in result.groups.items() if k != OTHER]
    hidden = n(total) - sum(n(c) for c in shown_real)
    assert hidden == 0 or hidden >= limit or not result.groups


def _shown_sets(breakdown, atoms, axis):
    sets = []
    for key in breakdown.groups:
        if key == OTHER:
            sets.append({a for a in atoms if a[axis] not in breakdown.groups})
        else:
            sets.append({a for a in atoms if a[axis] == key})
    return sets


cells_strategy = st.dictionaries(
    st.tuples(st.sampled_from("ABCD"), st.sampled_from(("politiker", "chef", "ss", "al"))),
    st.integers(1, 5), min_size=1, max_size=10,
)


@settings(max_examples=200, deadline=None)
@given(cells_strategy, st.integers(2, 4))
def test_no_small_group_can_be_worked_out_from_roles_boards_and_the_total(sizes, limit):
    cells = {atom: {"agree": k} for atom, k in sizes.items()}
    roles, boards = protect_cells(cells, limit)
    atoms = sorted(sizes)
    for b in (roles, boards):
        assert all(n(c) >= limit for c in b.groups.values())
    shown = [set(atoms)] + _shown_sets(roles, atoms, 1) + _shown_sets(boards, atoms, 0)
    # What is shown adds up: each shown group's count is the sum of its atoms.
    for key, c in roles.groups.items():
        assert n(c) == sum(sizes[a] for a in _shown_sets(roles, atoms, 1)[
            list(roles.groups).index(key)])
    matrix = [[int(a in s) for a in atoms] for s in shown]
    base = rank(matrix)
    # Any set of answers fewer than the limit that is a combination of what is shown
    # (the total, the roles, the boards, "Övriga") would single someone out.
    for k in range(1, limit):
        for subset in combinations(atoms, k):
            if sum(sizes[a] for a in subset) >= limit or len(subset) == len(atoms):
                continue  # the whole room is "Alla", shown whatever its size
            vector = [int(a in subset) for a in atoms]
            assert rank(matrix + [vector]) > base, subset


def test_minutes_compiled_before_the_rule_are_shown_under_it():
    from facilitator.minutes.compiling import protected

    def row(role, agree, partly):
        return {"role": role, "counts": {"agree": agree, "partly": partly, "disagree": 0,
                                         "unknown": 0}, "n": agree + partly}

    def board(short, agree, partly):
        return {"board": {"group": "board", "id": hash(short) % 100, "name": short,
                          "short_name": short},
                "counts": {"agree": agree, "partly": partly, "disagree": 0, "unknown": 0},
                "n": agree + partly}

    old = {"schema": 1, "reflections": [{"id": 1, "stances": {"live": {
        "n": 12, "total": {"agree": 8, "partly": 4, "disagree": 0, "unknown": 0},
        "by_role": [row("socialsekreterare", 6, 2), row("arbetsledare", 2, 1),
                    row("politiker", 0, 1)],
        "by_board": [board("Gnesta", 5, 3), board("Nyköping", 3, 1)],
    }}}]}
    tally = protected(old)["reflections"][0]["stances"]["live"]
    # Politiker 1 pooled with the next smallest (arbetsledare 3) as Övriga 4.
    assert [(r["role"], r["n"]) for r in tally["by_role"]] == [("socialsekreterare", 8),
                                                               (OTHER, 4)]
    # Which board each role sat on is not stored: boards beside roles could give one away.
    assert tally["by_board"] == [] and tally["withheld"] == {"by_role": False,
                                                             "by_board": True}
    assert protected({"schema": 2, "x": 1}) == {"schema": 2, "x": 1}


@settings(max_examples=150, deadline=None)
@given(cells_strategy, st.integers(2, 4))
def test_the_fast_exact_check_agrees_with_the_one_over_the_rationals(sizes, limit):
    from facilitator.core import groups as g

    atoms = frozenset(sizes)
    shown = [atoms, *[frozenset(a for a in atoms if a[1] == r) for r in {a[1] for a in atoms}],
             *[frozenset(a for a in atoms if a[0] == b) for b in {a[0] for a in atoms}]]
    modular = g._derivable_small(sizes, shown, limit)
    rows, g._MAX_ROWS_MODULAR = g._MAX_ROWS_MODULAR, 0  # force the Fraction path
    try:
        assert g._derivable_small(sizes, shown, limit) == modular
    finally:
        g._MAX_ROWS_MODULAR = rows


def test_a_boards_roles_shown_beside_the_rooms_give_no_small_group_away():
    # By role the room shows socialsekreterare 9; if Gnesta's and Nyköping's histories
    # showed their socialsekreterare (5 and 3), the one in Trosa would be 9 - 5 - 3.
    cells = {("Gnesta", "ss"): {"agree": 5}, ("Gnesta", "al"): {"agree": 4},
             ("Nyköping", "ss"): {"agree": 3}, ("Nyköping", "al"): {"partly": 3},
             ("Trosa", "ss"): {"disagree": 1}, ("Trosa", "al"): {"agree": 3}}
    release = groups.protect_release(cells, 3)
    assert set(release.roles.groups) == {"ss", "al"}
    assert set(release.boards.groups) == {"Gnesta", "Nyköping", "Trosa"}
    assert release.within["Gnesta"].groups == {"ss": {"agree": 5}, "al": {"agree": 4}}
    assert release.within["Nyköping"].withheld and release.within["Trosa"].withheld


@settings(max_examples=150, deadline=None)
@given(cells_strategy, st.integers(2, 4))
def test_nothing_small_follows_from_the_room_and_every_boards_roles_together(sizes, limit):
    cells = {atom: {"agree": k} for atom, k in sizes.items()}
    release = groups.protect_release(cells, limit)
    atoms = sorted(sizes)
    shown = [set(atoms)] + _shown_sets(release.roles, atoms, 1) + _shown_sets(
        release.boards, atoms, 0)
    for board, within in release.within.items():
        assert board in release.boards.groups and board != OTHER
        assert all(n(c) >= limit for c in within.groups.values())
        shown += _shown_sets(within, [a for a in atoms if a[0] == board], 1)
    matrix = [[int(a in s) for a in atoms] for s in shown]
    base = rank(matrix)
    for k in range(1, limit):
        for subset in combinations(atoms, k):
            if sum(sizes[a] for a in subset) >= limit or len(subset) == len(atoms):
                continue
            assert rank(matrix + [[int(a in subset) for a in atoms]]) > base, subset
