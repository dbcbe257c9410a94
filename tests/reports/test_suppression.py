"""Small-cell suppression (DP-10): no count from 1 to 10 is shown, and no hidden count can be
worked out from the total and the other cells."""

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.reports.suppression import legend, shown, suppress, suppress_one

K = 11
tables = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=5)


def _possible_values(cells: list[int | None], total: int, true: list[int]) -> list[set[int]]:
    """For each hidden cell, every value a reader could give it: hidden cells are not zero
    (zeros are shown) and the cells add up to the total."""
    hidden = [i for i, c in enumerate(cells) if c is None]
    rest = total - sum(c for c in cells if c is not None)
    options: list[set[int]] = [set() for _ in cells]
    for values in product(range(1, rest + 1), repeat=len(hidden)):
        if sum(values) == rest:
            for i, v in zip(hidden, values, strict=True):
                options[i].add(v)
    return options


@given(tables)
@settings(max_examples=300)
def test_dp10_no_count_from_1_to_10_is_ever_shown(counts):
    cells, total = suppress(counts, sum(counts), k=K)
    assert all(c is None or c == 0 or c >= K for c in cells)
    assert total is None or total == 0 or total >= K
    # What is shown is the true figure.
    assert all(c is None or c == true for c, true in zip(cells, counts, strict=True))


@given(tables)
@settings(max_examples=300)
def test_dp10_no_hidden_cell_can_be_worked_out_from_the_total(counts):
    total = sum(counts)
    cells, shown_total = suppress(counts, total, k=K)
    hidden = [c for c in cells if c is None]
    if shown_total is None:
        return  # without a total there is nothing to subtract from
    assert len(hidden) != 1  # at least two hidden cells in a line, or none
    if len(hidden) <= 3 and total <= 80:
        for i, options in enumerate(_possible_values(cells, shown_total, counts)):
            if cells[i] is None:
                assert len(options) >= 2, (counts, cells)
    # Nor if the reader assumes every hidden cell is below k.
    if hidden:
        rest = shown_total - sum(c for c in cells if c is not None)
        assert rest not in (len(hidden), (K - 1) * len(hidden))


@given(tables)
def test_dp10_a_total_below_11_hides_the_whole_table(counts):
    total = sum(counts)
    cells, shown_total = suppress(counts, total, k=K)
    if 0 < total < K:
        assert cells == [None] * len(counts) and shown_total is None


@given(tables)
def test_dp10_suppression_is_pure(counts):
    before = list(counts)
    assert suppress(counts, sum(counts), k=K) == suppress(counts, sum(counts), k=K)
    assert counts == before


def test_dp10_true_zeros_are_shown_and_a_lone_small_cell_takes_the_next_smallest_with_it():
    assert suppress([0, 5, 30, 40], 75, k=K) == ([0, None, None, 40], 75)
    assert suppress([0, 0, 0], 0, k=K) == ([0, 0, 0], 0)
    assert suppress([12, 30], 42, k=K) == ([12, 30], 42)


def test_dp10_two_hidden_ones_or_two_hidden_tens_are_protected_by_a_third_cell():
    # 1 + 1 = 2 would give both away; so would 10 + 10 = 20 to a reader who assumes each
    # hidden cell is below 11.
    assert suppress([1, 1, 30, 40], 72, k=K) == ([None, None, None, 40], 72)
    assert suppress([10, 10, 30, 40], 90, k=K) == ([None, None, None, 40], 90)
    # Nothing left to hide: the total goes.
    assert suppress([10, 10], 20, k=K) == ([None, None], None)


def test_dp10_k_is_configurable_and_the_legend_follows_it():
    assert suppress([3, 4, 20], 27, k=5) == ([None, None, 20], 27)
    assert shown(None) == "hidden"
    assert shown(0) == "0"
    assert shown(12.0) == "12"
    assert legend(5) == (
        "hidden: fewer than 5 children, or hidden so that such a small number cannot be "
        "worked out from the total"
    )
    assert suppress_one(7, k=11) is None and suppress_one(0, k=11) == 0
    assert suppress_one(11, k=11) == 11
