"""Fictional children as victim-witnesses for the demo (VW-1 … VW-8), through the same services
as the pages: one trial against two accused concerns two children of the authority. One agreed,
after being told about the process and a determination about legal participation, to give a
video-recorded statement and to testify behind a screen, with a support person; a hearing is
near. The other was told the same and declined to testify: nothing else about their help changed
(VW-8). Every name, court and place here is invented."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from haven.cases.models import Case
from haven.consent.services import information_session_record
from haven.decisions.services import decision_record
from haven.demo import data as demo
from haven.justice import services

COURT = "Lotus Path Provincial Court (fictional)"
ACCUSED = "Fictional Accused Somchai\nFictional Accused Mana"
DEFENCE = "Fictional Defence Counsel Prasert"
SUPPORT = "Fictional shelter caregiver Malee"


def _fresh(case: Case) -> Case:
    return Case.objects.select_related("child", "lead_agency").get(pk=case.pk)


def _told(seeder: Any, dc: Any, days_ago: int) -> Any:
    """The information session on the legal process and the right to decline (VW-2)."""
    return information_session_record(
        case=_fresh(dc.case),
        actor=dc.case_worker,
        given_at=seeder.now - timedelta(days=days_ago, hours=2),
        topics=["legal_process", "rights"],
        language=dc.languages[0] if dc.languages else "th",
        formats=["verbal", "written"],
        given_by=dc.case_worker.get_full_name(),
        interpreter=seeder._interpreter_for(dc.languages[0], dc.agency_key) if dc.languages else "",
        written_copy_left=True,
        child_questions="Fictional: Will he see me? — No: you can speak from another room.",
    )


def seed(seeder: Any) -> None:
    """Called once by seed_demo's Seeder.run, after the protection work."""
    today = timezone.localdate()
    progressed = [
        dc
        for dc in seeder.cases
        if dc.is_open and dc.case_worker is not None and not dc.plan.startswith("identification")
    ]
    # Not the child left without a written copy of their information (the PS-5 alert stays).
    witnesses = [dc for dc in progressed[2:] if dc.agency_key == demo.CPA][:2]
    if len(witnesses) < 2:
        return
    agrees, declines = witnesses
    worker = agrees.case_worker
    part = services.proceeding_open(
        case=_fresh(agrees.case),
        actor=worker,
        kind="criminal",
        authority=COURT,
        reference="Crim. 0417/2026 (fictional)",
        stage="trial",
        opened_on=today - timedelta(days=90),
        prosecutor="Fictional Prosecutor Wipada",
        accused=ACCUSED,
        defence=DEFENCE,
        role="witness",
        child_lawyer="Fictional Legal Aid Lawyer Nok",
    )
    # The child who agreed: told, determination, choice, a recorded statement with support.
    session = _told(seeder, agrees, 45)
    decision = decision_record(
        case=_fresh(agrees.case),
        actor=worker,
        kind="bid",
        subject="legal_participation",
        decided_on=today - timedelta(days=40),
        question="Fictional: should she give evidence against the two accused, and how?",
        options="Fictional: no evidence; a recorded statement only; testimony by video link.",
        outcome="Fictional: a video-recorded statement; testimony behind a screen if needed.",
        justification="Fictional: she wants to be heard; the screen and breaks limit the strain.",
        child_views="Fictional: I want the judge to know, but I do not want to see them.",
        child_views_weight="Fictional: clear and consistent for a 15-year-old; weighed fully.",
        risks="Fictional: re-traumatisation in cross-examination; threats from the family.",
        participants=[
            {"name": "Fictional Chair Orawan", "role": "Child-protection authority"},
            {"name": "Fictional Psychologist Ploy", "role": "Shelter"},
        ],
    )
    for form in ("statement", "testimony"):
        services.participation_record(
            case=_fresh(agrees.case),
            actor=worker,
            part=part,
            form=form,
            choice="agrees",
            decided_on=today - timedelta(days=40),
            information_session=session,
            decision=decision,
            retraumatisation_risk="medium",
            intimidation_risk="medium",
            reprisal_risk="medium",
            child_views="Fictional: only if I do not have to see them.",
        )
    services.statement_record(
        case=_fresh(agrees.case),
        actor=worker,
        part=part,
        kind="statement",
        conducted_at=seeder.now - timedelta(days=30, hours=3),
        interviewer="Fictional Prosecutor Wipada",
        interviewer_agency="Provincial prosecution office (fictional)",
        interpreter=seeder._interpreter_for(agrees.languages[0], agrees.agency_key)
        if agrees.languages
        else "",
        duration_minutes=50,
        support_person=SUPPORT,
        video_recorded=True,
        notes="Fictional demo statement: no content recorded.",
    )
    hearing = services.hearing_record(
        case=_fresh(agrees.case),
        actor=worker,
        part=part,
        held_on=today + timedelta(days=10),
        purpose="Trial: the child's testimony",
    )
    services.attendance_record(
        case=_fresh(agrees.case),
        actor=worker,
        part=part,
        hearing=hearing,
        testifies=True,
        support_name=SUPPORT,
        support_relation="Her caregiver at the shelter",
        requested=["screen", "pre_recorded_video", "breaks", "child_friendly_room"],
        granted=["screen", "breaks"],
    )
    services.risk_record(
        case=_fresh(agrees.case),
        actor=worker,
        part=part,
        assessed_on=today - timedelta(days=5),
        level="medium",
        contact_attempts=True,
        measures=["no_contact_order"],
        notes="Fictional: a cousin of one accused called the shelter once.",
    )
    services.update_record(
        case=_fresh(agrees.case),
        actor=worker,
        part=part,
        given_at=timezone.now(),
        given_by=worker.get_full_name(),
        language=agrees.languages[0] if agrees.languages else "th",
        explained="Fictional: the trial date, the screen, and that she can ask for breaks.",
    )
    # The child who declined: same trial, told the same, said no; their help goes on (VW-8).
    other = services.proceeding_join(
        case=_fresh(declines.case),
        actor=declines.case_worker,
        proceeding=part.proceeding,
        role="witness",
    )
    services.participation_record(
        case=_fresh(declines.case),
        actor=declines.case_worker,
        part=other,
        form="testimony",
        choice="declines",
        decided_on=today - timedelta(days=20),
        information_session=_told(seeder, declines, 21),
        retraumatisation_risk="high",
        intimidation_risk="high",
        reprisal_risk="medium",
        child_views="Fictional: I do not want to go to the court. I want to go to school.",
    )
    services.update_record(
        case=_fresh(declines.case),
        actor=declines.case_worker,
        part=other,
        given_at=timezone.now(),
        given_by=declines.case_worker.get_full_name(),
        language=declines.languages[0] if declines.languages else "th",
        explained="Fictional: the trial goes on without him; nothing changes in his help.",
    )
