"""Fictional directory and referrals for `manage.py seed_demo` (CC-15, DP-5, DP-9, DP-16).

Every service, contact and place here is invented. The shelter gets an administrator who keeps
its services in the directory (nobody else there may). Called once from Seeder.run, after the
protection data, through the same services as the pages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.roles import Role
from haven.accounts.services import staff_create
from haven.cases.models import Case
from haven.consent.models import CHECKLIST_KEYS, Purpose
from haven.consent.services import consent_record
from haven.core.errors import SafeguardViolation
from haven.decisions.services import decision_record
from haven.demo import data as demo
from haven.directory.services import (
    offer_create,
    referral_accept,
    referral_send,
    sharing_assessment_record,
)
from haven.directory.transfers import transfer_request

# (agency key, type, name, min age, max age, genders, forms, languages, area, country, contact)
OFFERS: tuple[tuple[Any, ...], ...] = (
    (demo.SHELTER, "Psychological", "Banyan counselling for children", 6, 17, (), (), ("th", "my"),
     "Courtyard clinic, north wing", "TH", "Counselling desk, ext. 21"),
    (demo.SHELTER, "Accommodation", "Banyan open shelter for girls", 10, 17, ("Feminine",), (),
     ("th", "my", "lo"), "Fictional riverside district", "TH", "Duty phone (fictional) 0000"),
    (demo.SHELTER, "Accommodation", "Banyan open shelter for boys", 10, 17, ("Masculine",), (),
     ("th", "my"), "Fictional hillside district", "TH", "Duty phone (fictional) 0001"),
    (demo.SHELTER, "Health", "Banyan shelter nurse", None, None, (), (), ("th",),
     "Courtyard clinic", "TH", "Nurse's office"),
    (demo.SHELTER, "Legal", "Banyan legal aid for children", 8, 17, (), (), ("th", "my", "km"),
     "Fictional law centre", "TH", "Legal aid line (fictional)"),
    (demo.CPA, "FamilyTracing", "Lotus Path family tracing", None, None, (), (), ("th", "my", "lo"),
     "Provincial office", "TH", "Tracing unit"),
    (demo.CPA, "Education", "Lotus Path return-to-school support", 6, 17, (), (), ("th",),
     "Provincial office", "TH", "Education officer"),
    (demo.CPA, "SocialCare", "Lotus Path foster care", 0, 12, (), (), ("th",),
     "Province-wide", "TH", "Foster care team"),
    (demo.KH_NGO, "FamilyTracing", "Silver Lantern family tracing in Cambodia", None, None, (),
     (), ("km",), "Fictional border province", "KH", "Tracing desk"),
    (demo.KH_NGO, "Livelihood", "Silver Lantern motorbike repair course", 15, 21, (),
     ("ForcedLabour", "ChildLabour"), ("km", "th"), "Fictional market town", "KH",
     "Training centre"),
    (demo.KH_NGO, "LabourExploitationRehabilitation", "Silver Lantern recovery after labour",
     12, 17, (), ("ForcedLabour", "Servitude", "ForcedBegging"), ("km",),
     "Fictional market town", "KH", "Programme office"),
    (demo.KH_NGO, "Psychological", "Silver Lantern group support for boys", 12, 17,
     ("Masculine", "TransgenderMasculine"), (), ("km",), "Fictional market town", "KH",
     "Programme office"),
)  # fmt: skip


def seed(seeder: Any) -> None:
    """Offers from the three agencies, assessments between the authority and the shelter and
    the Cambodian NGO, one accepted referral and one waiting."""
    users, agencies = seeder.users, seeder.agencies
    admin, _password = staff_create(
        actor=None,
        agency=agencies[demo.SHELTER],
        username="shelteradmin",
        role=Role.AGENCY_ADMIN,
        first_name="Nok",
        last_name="Wongsakul",
        email="shelteradmin@demo.example.org",
        password=demo.DEMO_PASSWORD,
        languages=["th"],
    )
    TOTPDevice.objects.create(user=admin, name="demo", confirmed=True)
    users["shelteradmin"] = admin
    managers = {
        demo.CPA: users["supervisor"],
        demo.SHELTER: admin,
        demo.KH_NGO: users["supervisor_kh"],
    }
    offers = {}
    for key, kind, name, low, high, genders, forms, langs, area, country, contact in OFFERS:
        offers[name] = offer_create(
            actor=managers[key],
            agency=agencies[key],
            service_type=kind,
            name=name,
            description="Fictional service for the demo.",
            min_age=low,
            max_age=high,
            genders=genders,
            forms=forms,
            languages=langs,
            area=area,
            country=country,
            contact=contact,
        )
    for source, target in (
        (demo.CPA, demo.SHELTER),
        (demo.SHELTER, demo.CPA),
        (demo.CPA, demo.KH_NGO),
        (demo.KH_NGO, demo.CPA),
    ):
        sharing_assessment_record(
            actor=managers[source],
            from_agency=agencies[source],
            to_agency=agencies[target],
            risks="Fictional: a child's whereabouts could reach the community through staff.",
            safeguards="Fictional: signed data-sharing agreement, named staff, no paper copies.",
            approved=True,
        )
    candidates = [
        dc
        for dc in seeder.cases
        if dc.is_open
        and dc.agency_key == demo.CPA
        and dc.case_worker is not None
        and "psychologist" not in dc.team
        and dc.spec.age is not None
        and 6 <= dc.spec.age <= 17
    ]
    for n, dc in enumerate(candidates[:2]):
        case = Case.objects.select_related("child", "lead_agency").get(pk=dc.case.pk)
        consent = consent_record(
            case=case,
            actor=dc.case_worker,
            purpose=Purpose.INFORMATION_SHARING,
            recipient_agencies=[agencies[demo.SHELTER]],
            given_on=timezone.localdate(),
            language=dc.languages[0] if dc.languages else "th",
            formats=["verbal", "written"],
            explained_by=dc.case_worker.get_full_name(),
            checklist=list(CHECKLIST_KEYS),
            child_answer="agrees",
            representative="guardian",
            representative_name="Fictional guardian",
            representative_answer="consents",
        )
        referral = referral_send(
            case=Case.objects.select_related("child", "lead_agency").get(pk=case.pk),
            actor=dc.case_worker,
            offer=offers["Banyan counselling for children"],
            reason=(
                "Fictional: trouble sleeping and afraid of adults in uniform; needs weekly "
                "counselling in the child's language."
            ),
            urgent=n == 1,
            data_points=["identity", "health"],
            consent=consent,
        )
        if n == 0:
            referral_accept(referral=referral, actor=users["psychologist"])
            dc.team.add("psychologist")


def seed_transfer(seeder: Any) -> None:
    """RR-7: the authority asks the Cambodian NGO to take over a Khmer-speaking child's case, a
    return across the border decided by a determination with the child heard. It waits in the
    NGO's inbox for its case worker to take over."""
    users, agencies = seeder.users, seeder.agencies
    supervisor, ngo = users["supervisor"], agencies[demo.KH_NGO]
    for dc in seeder.cases:
        if not (dc.is_open and dc.agency_key == demo.CPA and "km" in dc.languages):
            continue
        case = Case.objects.select_related("child", "lead_agency").get(pk=dc.case.pk)
        consent = consent_record(
            case=case,
            actor=supervisor,
            purpose=Purpose.INFORMATION_SHARING,
            recipient_agencies=[ngo],
            given_on=timezone.localdate(),
            language="km",
            formats=["verbal", "written"],
            explained_by=supervisor.get_full_name(),
            checklist=list(CHECKLIST_KEYS),
            child_answer="agrees",
            representative="guardian",
            representative_name="Fictional guardian",
            representative_answer="consents",
        )
        bid = decision_record(
            case=case,
            actor=supervisor,
            kind="bid",
            subject="return",
            decided_on=timezone.localdate(),
            question="Fictional: should the child return to her grandmother in Battambang?",
            options="Fictional: return home with the NGO's follow-up; stay in the shelter.",
            outcome="Fictional: return home, with the NGO as lead agency.",
            justification="Fictional: the grandmother is safe and the recruiter is in prison.",
            child_views="Fictional: I want to go home to my grandmother and my school.",
            child_views_weight="Fictional: heard with an interpreter; weighed as she is 14.",
            participants=[
                {"name": "Fictional Chair", "role": "Panel"},
                {"name": "Fictional NGO social worker", "role": "Panel"},
            ],
        )
        try:
            transfer_request(
                case=case,
                actor=supervisor,
                to_agency=ngo,
                kind="return",
                reason=TRANSFER_REASON,
                data_points=["health", "family"],
                consent=consent,
                destination_risks=(
                    "Fictional: the recruiter's family lives in the next village; the NGO "
                    "visits weekly and the school knows whom to call."
                ),
                child_views="Fictional: I want to go home, and to see the NGO worker at school.",
                decision=bid,
            )
        except (ValidationError, SafeguardViolation):
            continue
        return


TRANSFER_REASON = (
    "Fictional: the child returns to her grandmother in Cambodia; the NGO's team there will "
    "lead her case and follow her at home and at school."
)
