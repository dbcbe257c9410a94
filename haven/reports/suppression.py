"""Small-cell suppression for statistics that leave an agency (DP-10, DP-11).

A pure function over one one-dimensional table (counts by category, and the total when it is
shown). The rules, applied in this order:

1. Primary: every count from 1 to k-1 is hidden (k = HAVEN_STATISTICS_MIN_CELL, 11 as the
   Counter Trafficking Data Collaborative uses).
2. A true zero is shown as 0. CTDC's practice: "nobody in this group" discloses nothing about
   any child, and hiding zeros would make every table useless for the overlooked groups
   (CC-16), where zeros are exactly the finding. Zeros are hidden only under rule 3.
3. A total from 1 to k-1 hides the whole table, zeros and total included: with so few children,
   even "all in one category" describes each of them.
4. Complementary: with a shown total, a hidden cell could be worked out by subtraction when it
   is the only one hidden. So the smallest other non-zero cell is hidden too, and again until
   no hidden cell can be pinned down: readers know a hidden cell is not zero (zeros are shown)
   and may guess it is below k, so the hidden cells' sum must leave each of them at least two
   possible values (two hidden 1s, or two hidden 10s, can be told from the total). When no cell
   is left to hide, the total is hidden instead.

Every hidden cell, whether small itself or hidden to protect a small one, is shown with the
same mark, the word "hidden" (`shown`), explained by one legend (`legend`) beside each table
and in each file. The mark claims no value: "<11" on a cell hidden to protect another would be
false (it may hold 25), and a second mark for such cells would tell readers which hidden cell
is at least k, narrowing the small one down. Statistics offices use one mark for every
confidential cell for this reason.

Cross-table inference (the same children in several tables) is out of scope: each table's
total is the same number of children, and each table is protected alone.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

# A hidden count. Callers render it with `shown()`.
HIDDEN = None

Count = int | None


def _pinned(hidden_sum: int, hidden_count: int, k: int) -> bool:
    """Whether a reader who knows the hidden cells' sum can tell a hidden cell's value: each
    hidden cell is at least 1; if the reader assumes each is below k, at most k-1."""
    if hidden_count == 0:
        return False
    if hidden_count == 1:
        return True
    return hidden_sum == hidden_count or hidden_sum == (k - 1) * hidden_count


def suppress(
    counts: Sequence[int], total: int | None = None, *, k: int
) -> tuple[list[Count], Count]:
    """The table as it may be released: each count, or None where it is hidden; and the total
    (None when hidden, or when no total was given). Pure: same input, same output.

    `total` is the table's total when it is shown beside the cells. When the cells add up to
    it, the complementary rule makes sure no hidden cell can be worked out by subtraction; when
    they do not (a child counted in several categories), the same rule is applied anyway."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if any(c < 0 for c in counts) or (total is not None and total < 0):
        raise ValueError("counts cannot be negative")
    if total is not None and 0 < total < k:
        return [HIDDEN] * len(counts), HIDDEN
    hidden = [0 < c < k for c in counts]
    if total is None:
        return [HIDDEN if h else c for c, h in zip(counts, hidden, strict=True)], None
    shown_total: Count = total
    # A reader works out the hidden cells' sum as the total minus the shown cells. When the
    # cells do not add up to the total, the same protection is conservative.
    while _pinned(sum(c for c, h in zip(counts, hidden, strict=True) if h), sum(hidden), k):
        candidates = [(c, i) for i, c in enumerate(counts) if c > 0 and not hidden[i]]
        if not candidates:
            shown_total = HIDDEN
            break
        hidden[min(candidates)[1]] = True
    return [HIDDEN if h else c for c, h in zip(counts, hidden, strict=True)], shown_total


def suppress_one(count: int, *, k: int) -> Count:
    """A figure shown on its own, without a total: hidden from 1 to k-1."""
    return HIDDEN if 0 < count < k else count


def hidden_mark() -> str:
    """The one mark of every hidden figure, in the active language. It claims no value."""
    # Translators: shown in a table of statistics instead of a figure that is not released
    # (too small, or hidden so that a small one cannot be worked out from the total).
    return _("hidden")


def legend(k: int) -> str:
    """What the mark means, beside each table and in each file, in the active language."""
    return _(
        "hidden: fewer than %(k)d children, or hidden so that such a small number cannot be "
        "worked out from the total"
    ) % {"k": k}


def shown(value: Count | float | str) -> str:
    """How a released figure reads: the number, or the mark for a hidden one, whatever it
    hides ("" when there is no figure at all, such as the median of no stays)."""
    if value is None:
        return hidden_mark()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
