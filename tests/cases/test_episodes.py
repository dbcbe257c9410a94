"""A reopened case begins a new episode (RR-6): the case keeps when (Case.episode_started_at),
which PS-1's and PS-5's clocks and the first steps read, equal to its last reopening."""

from typing import Any

from haven.cases.models import Case, StageChange
from haven.cases.selectors import reopened_at
from haven.cases.services import case_change_stage


def _close(case: Case, supervisor: Any) -> None:
    case_change_stage(
        case=case, actor=supervisor, to_stage="closed", closed_reason="goals_met", reason="Done."
    )


def _reopen(case: Case, supervisor: Any) -> None:
    case_change_stage(case=case, actor=supervisor, to_stage="protection", reason="Came back.")


def _last_reopening(case: Case) -> Any:
    return (
        StageChange.objects.filter(case=case, from_stage="closed").latest("changed_at").changed_at
    )


def test_rr6_a_case_never_reopened_has_no_episode_start(case: Case, supervisor: Any) -> None:
    _close(case, supervisor)

    assert reopened_at(case) is None
    assert Case.objects.get(pk=case.pk).episode_started_at is None


def test_rr6_each_reopening_begins_the_episode_again(case: Case, supervisor: Any) -> None:
    _close(case, supervisor)
    _reopen(case, supervisor)
    first = reopened_at(case)
    _close(case, supervisor)
    _reopen(case, supervisor)

    assert first is not None
    assert reopened_at(case) == _last_reopening(case)
    assert reopened_at(case) > first


def test_rr6_an_instance_loaded_before_the_reopening_reads_it_afresh(
    case: Case, supervisor: Any
) -> None:
    stale = Case.objects.get(pk=case.pk)
    _close(case, supervisor)
    _reopen(case, supervisor)

    assert stale.episode_started_at is None
    assert reopened_at(stale) == _last_reopening(case)
