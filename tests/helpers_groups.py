"""What the small-group tests share: how much a set of shown sums gives away."""

from fractions import Fraction


def rank(rows: list[list[int]]) -> int:
    """The rank of the rows over the rationals: a group can be worked out from shown sums
    exactly when adding its indicator row leaves the rank unchanged."""
    m = [[Fraction(x) for x in row] for row in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][c]), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][c]:
                f = m[i][c] / m[rank][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank
