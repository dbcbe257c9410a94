"""Fictional children on each recovery-and-reintegration pathway for the demo (RR-1 … RR-5,
RR-8), through the same services as the pages. One child went home to their mother, with a
safety plan, a plan with services for both, a review and two visits on time. One will live with
an aunt: the father is recorded as implicated in the trafficking, and the determination, taken
after that, deals with it (RR-3). A young child in foster care waits for an overdue follow-up
visit (RR-5). A 17-year-old moves to supervised independent living with a transition plan;
another turns 18 within months and has none (RR-8). One child lives in a small group home, the
last resort. Every name, place and organisation here is invented."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from haven.cases.child_services import child_update
from haven.cases.models import Case
from haven.children.age import years_before
from haven.children.models import ParentalCare
from haven.decisions.services import decision_record
from haven.justice.models import ChildInProceeding
from haven.reintegration import services

LATE = (Case.Stage.RECOVERY, Case.Stage.FOLLOW_UP)
NO_FAMILY = (ParentalCare.NO_PARENTS, ParentalCare.UNACCOMPANIED, ParentalCare.UNKNOWN)
AT_HOME = (ParentalCare.WITH_PARENTS, ParentalCare.SEPARATED)
COOPERATIVE = "Golden Rice Women's Cooperative (fictional)"


def _on(days: int) -> date:
    """The day `days` from today (negative: in the past)."""
    return timezone.localdate() + timedelta(days=days)


def _write(service: Callable[..., Any], dc: Any, **fields: Any) -> Any:
    """One write by the child's case worker, on the case reloaded (access checks cache roles)."""
    case = Case.objects.select_related("child", "lead_agency").get(pk=dc.case.pk)
    return service(case=case, actor=dc.case_worker, **fields)


def _decide(dc: Any, kind: str, subject: str, on: int, outcome: str, views: str, **kw: Any) -> None:
    """The best-interests determination (CC-1, PS-6) and the pathway it decides, on day `on`;
    carried out on day `carried_out` when given (RR-2)."""
    carried_out = kw.pop("carried_out", None)
    decision = _write(
        decision_record,
        dc,
        kind="bid",
        subject=subject,
        decided_on=_on(on),
        question="Fictional: which pathway serves the child's recovery and reintegration?",
        options="Fictional: home; relatives; a foster family; supported living; a group home.",
        outcome=outcome,
        justification="Fictional: safe, family-based where it can be, and what the child asked.",
        child_views=views,
        child_views_weight="Fictional: clear and consistent for the child's age; weighed fully.",
        participants=[
            {"name": "Fictional Panel Chair Suda", "role": "Best-interests panel"},
            {"name": dc.case_worker.get_full_name(), "role": "Case worker"},
        ],
    )
    pathway = _write(
        services.pathway_decide,
        dc,
        kind=kind,
        decided_on=_on(on),
        decision=decision,
        child_views=views,
        **kw,
    )
    if carried_out is not None:
        _write(services.pathway_carried_out, dc, pathway=pathway, carried_out_on=_on(carried_out))


def _family(dc: Any, *members: tuple[str, str, bool, str]) -> list[Any]:
    """Family members (RR-3): name, relationship, implicated in the trafficking, notes."""
    return [
        _write(
            services.family_member_record,
            dc,
            name=name,
            relationship=relationship,
            implicated=implicated,
            notes=notes,
        )
        for name, relationship, implicated, notes in members
    ]


def _plan(dc: Any, kind: str, days: tuple[int, int, int], goals: str, *offers: Any) -> Any:
    """A plan agreed, first reviewed and first visited on the `days` given, with its services:
    (what, who provides it, status, the family member it is for or None)."""
    agreed, review, visit = days
    plan = _write(
        services.plan_record,
        dc,
        kind=kind,
        agreed_on=_on(agreed),
        goals=goals,
        responsible="Fictional: the case worker visits; each provider reports monthly.",
        review_on=_on(review),
        first_visit_on=_on(visit),
    )
    for description, provider, status, member in offers:
        _write(
            services.plan_service_add,
            dc,
            plan=plan,
            description=description,
            provider=provider,
            status=status,
            family_member=member,
        )
    return plan


def seed(seeder: Any) -> None:
    """Called once by seed_demo's Seeder.run, after the justice demo, whose witnesses are left
    alone. Children in recovery or follow-up come first, each where their story fits best."""
    witnesses = set(ChildInProceeding.objects.values_list("case_id", flat=True))
    late = set(Case.objects.filter(stage__in=LATE).values_list("pk", flat=True))
    pool = [
        dc
        for dc in seeder.cases
        if dc.is_open and dc.case_worker and not dc.plan.startswith("identification")
        if dc.case.pk not in witnesses
    ]

    def pick(*wishes: Callable[[Any], Any], only: Callable[[Any], bool] = bool) -> Any:
        """Of the children `only` allows, the one who fits best (lowest key), taken out of the
        pool; None when there is none."""
        fit = [dc for dc in pool if only(dc)]
        best = min(
            fit, key=lambda dc: (dc.case.pk not in late, *(w(dc) for w in wishes)), default=None
        )
        if best is not None:
            pool.remove(best)
        return best

    # RR-8: the oldest teenager moves to supported living with a transition plan. Another
    # 17-year-old's birth certificate, found by the family, shows 18 in four months: no plan yet.
    young = pick(lambda dc: -dc.spec.age, only=lambda dc: (dc.spec.age or 0) >= 16)
    if young is not None:
        _decide(
            young,
            "independent",
            "reintegration",
            -15,
            "Fictional: supervised independent living in a supported flat, with an apprenticeship.",
            "Fictional: I am nearly 18. I want my own room, my own money, and to learn engines.",
            reasons="Fictional: nearly 18, no safe home to go back to; ready to work and learn.",
        )
        _plan(
            young,
            "transition",
            (-10, 50, 20),
            "Fictional: finish my apprenticeship, open a bank account, get my ID card back.",
            ("Engine-repair apprenticeship", "Harbourside Engines (fictional)", "ongoing", None),
            ("Identity card and bank account", "District registry (fictional)", "planned", None),
        )
    turning = pick(only=lambda dc: dc.spec.age == 17)
    if turning is not None:
        _write(child_update, turning, birth_date=years_before(_on(120), 18))

    # RR-3: kinship care with an aunt, decided today, after the father was recorded implicated.
    kin = pick(
        lambda dc: dc.spec.parental_care != ParentalCare.PARENTAL_COMPLICITY,
        lambda dc: "aunt" in dc.spec.summary,  # not the child an aunt brought across the border
    )
    if kin is not None:
        _write(
            services.family_assessment_record,
            kin,
            assessed_on=_on(-10),
            safety="high",
            abuse="suspected",
            complicity="yes",
            capacity="with_support",
            needs="Fictional: the father's home is not safe; the aunt can care with school fees.",
            child_views="Fictional: I will not go back to my father's house. My aunt is kind.",
        )
        _family(
            kin,
            ("Fictional Father Bunthan", "father", True, "Fictional: took money for a 'marriage'."),
            ("Fictional Aunt Chenda", "aunt_uncle", False, "Fictional: a teacher, two children."),
        )
        _decide(
            kin,
            "kinship",
            "return",
            0,
            "Fictional: kinship care with the aunt in another district; no contact with the "
            "father unless the child asks for it, and then supervised.",
            "Fictional: I want to live with my aunt and go to her village school.",
            reasons="Fictional: safe with the aunt, far from the father; a school nearby.",
            implicated_addressed="Fictional: the father is not told where the child lives; "
            "contact only if the child asks, supervised; reviewed after the police investigation.",
        )

    # Reunification with the mother, carried out; the plan is reviewed and visited on time.
    home = pick(
        lambda dc: dc.spec.parental_care not in AT_HOME,
        lambda dc: dc.case.stage != Case.Stage.FOLLOW_UP,
    )
    if home is not None:
        mother, _brother = _family(
            home,
            ("Fictional Mother Mai", "mother", False, "Fictional: sells vegetables, in debt."),
            ("Fictional Brother Ton", "sibling", False, "Fictional: eight years old."),
        )
        _write(
            services.family_assessment_record,
            home,
            assessed_on=_on(-80),
            safety="low",
            abuse="no",
            complicity="no",
            capacity="with_support",
            needs="Fictional: no steady income; the mother fears the recruiter's 'debt'.",
            child_views="Fictional: I miss my mother and my little brother. I want to go home.",
        )
        _decide(
            home,
            "reunification",
            "return",
            -70,
            "Fictional: home to the mother, with support for the family and follow-up visits.",
            "Fictional: I want to go home to my mother and my little brother.",
            reasons="Fictional: a safe, loving home; the mother asked for help, not money.",
            carried_out=-60,
        )
        _write(
            services.safety_plan_record,
            home,
            agreed_on=_on(-60),
            sources=["traffickers", "community"],
            risks="Fictional: the recruiter lives two villages away; neighbours gossip.",
            measures="Fictional: the case worker's and the village head's numbers in the phone; "
            "never alone at the market at first; the mother reports any visit from the recruiter.",
            child_words="Fictional: If that man comes I run to the temple and call my worker.",
            review_on=_on(30),
        )
        plan = _plan(
            home,
            "reintegration",
            (-60, -30, -45),
            "Fictional: go back to school, help mum at the stall, sleep without bad dreams.",
            ("Market stall training and a small loan", COOPERATIVE, "ongoing", mother),
            ("School: enrolment, books, uniform", "Hillside School (fictional)", "ongoing", None),
        )
        _write(
            services.plan_review_record,
            home,
            plan=plan,
            reviewed_on=_on(-30),
            progress="Fictional: at school every day; the stall is open; the loan repaid weekly.",
            child_views="Fictional: School is hard but my friends are back.",
            next_review_on=_on(60),
        )
        for visited, next_visit in ((-45, -15), (-15, 15)):
            _write(
                services.visit_record,
                home,
                plan=plan,
                visited_on=_on(visited),
                visited_by=home.case_worker.get_full_name(),
                observations="Fictional: a calm home; food in the kitchen; homework on the table.",
                child_views="Fictional: I am happy at home. My brother follows me everywhere.",
                next_visit_on=_on(next_visit),
            )

    # Foster care, carried out; the first follow-up visit is nine days overdue (RR-5).
    foster = pick(lambda dc: dc.spec.parental_care not in NO_FAMILY, lambda dc: dc.spec.age or 99)
    if foster is not None:
        _decide(
            foster,
            "family_based",
            "placement",
            -45,
            "Fictional: a trained foster family near the school while family tracing goes on.",
            "Fictional: I want a family with a dog and a garden.",
            reasons="Fictional: no family traced yet; a young child needs a family, not a shelter.",
            carried_out=-35,
        )
        _plan(
            foster,
            "reintegration",
            (-35, 25, -9),
            "Fictional: feel at home with my foster family, start school, learn to swim.",
            ("Play therapy", "Little Lanterns Counselling Centre (fictional)", "ongoing", None),
        )

    # Residential care, the last resort: why no family-based care serves the child now.
    group = pick(
        lambda dc: not dc.spec.has_disability,
        lambda dc: dc.spec.parental_care not in NO_FAMILY,
        lambda dc: -(dc.spec.age or 0),
    )
    if group is not None:
        _decide(
            group,
            "residential",
            "placement",
            -25,
            "Fictional: a small group home near the school, reviewed every three months.",
            "Fictional: I want to stay with the friends I know until a family can take me.",
            reasons="Fictional: no relative traced; the child's needs call for trained carers.",
            last_resort_reason="Fictional: no relative has been traced and no foster family in "
            "the province is trained for the child's needs yet; reviewed as carers are trained.",
            carried_out=-20,
        )

    # RR-6: a child is found back in exploitation this morning, and comes back to the same
    # case: the statistics count them; nobody registers them again.
    back = pick(lambda dc: dc.spec.age or 99)
    if back is not None:
        _write(
            services.retrafficking_record,
            back,
            occurred_on=_on(0),
            forms=["ForcedLabour"],
            notes="Fictional: found by the labour inspectorate on the same fishing boat; the "
            "recruiter told the family the 'debt' was sold on.",
        )

    # RR-6: a family moved without a word; the case worker's first attempts to reach the child
    # are recorded. The case cannot close as "contact lost" until there are three, on
    # different days, in more than one way.
    lost = pick(lambda dc: -(dc.spec.age or 0))
    if lost is not None:
        for method, notes in (
            ("visit", "Fictional: the room is let to someone else; neighbours say they left."),
            ("phone", "Fictional: the mother's number is out of service."),
        ):
            _write(
                services.contact_attempt_record,
                lost,
                attempted_on=_on(0),
                method=method,
                notes=notes,
            )
