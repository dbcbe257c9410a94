"""The suite stays fast (docs/testing.md): a test's call takes under 0.5 s unless it is marked
`slow` with its reason, and only a few may be. A new slow test has to earn its place by making
another one fast."""

import pytest

MAX_SLOW = 12


def _slow(items: list[pytest.Item]) -> list[pytest.Item]:
    return [item for item in items if item.get_closest_marker("slow") is not None]


def test_at_most_max_slow_tests_are_marked_slow(request: pytest.FixtureRequest) -> None:
    slow = _slow(request.session.items)

    assert len(slow) <= MAX_SLOW, [item.nodeid for item in slow]


def test_every_slow_mark_says_why(request: pytest.FixtureRequest) -> None:
    for item in _slow(request.session.items):
        marker = item.get_closest_marker("slow")
        assert marker is not None
        reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
        assert len(str(reason)) >= 20, f"{item.nodeid}: say why it needs more than 0.5 s"


class _Item:
    """Stands in for a collected test: its name and its marks."""

    def __init__(self, nodeid: str, slow: bool) -> None:
        self.nodeid = nodeid
        self.slow = slow
        self._mark = pytest.mark.slow(reason="a fictional test that needs a while").mark

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        return self._mark if name == "slow" and self.slow else None


def test_the_slow_count_counts_marked_tests_only() -> None:
    # The check's own negative case: one slow test more than allowed is seen.
    items = [_Item(f"test_{n}", slow=True) for n in range(MAX_SLOW + 1)]
    items.append(_Item("test_fast", slow=False))

    assert len(_slow(items)) == MAX_SLOW + 1  # type: ignore[arg-type]
