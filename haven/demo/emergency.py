"""Fictional emergency accesses for the demo (DP-4), through the same services as the pages: a
case worker on night duty opened a colleague's case when the police called, ended it and was
reviewed as justified; another opened one for a medical emergency and waits for review."""

from typing import Any

from haven.cases import emergency
from haven.cases.access import cases_for_user
from haven.demo import data as demo


def seed(seeder: Any) -> None:
    """Called once by seed_demo's Seeder.run, after the assignments are settled."""
    users = seeder.users
    stories = (
        (
            "caseworker2",
            "held",
            "Fictional: the district police called at 23:40; the boy was brought to the station "
            "and asked for his case worker, who was not answering.",
            "justified",
        ),
        (
            "caseworker",
            "medical",
            "Fictional: the shelter called at 02:15 about a high fever; the hospital asked for "
            "known allergies.",
            None,
        ),
    )
    for username, reason, detail, outcome in stories:
        user = users[username]
        visible = set(cases_for_user(user).values_list("pk", flat=True))
        dc = next(
            c
            for c in seeder.cases
            if c.case.lead_agency_id == seeder.agencies[demo.CPA].pk and c.case.pk not in visible
        )
        access = emergency.emergency_access_open(
            actor=user, reference=dc.case.reference, reason=reason, detail=detail, minutes=60
        )
        emergency.emergency_access_end(access=access, actor=user)
        if outcome:
            emergency.emergency_access_review(
                access=access, actor=users["supervisor"], outcome=outcome
            )
