"""Fixtures for the directory and referrals: the shelter (`other_agency`) offers counselling,
the child-protection office (`agency`) has assessed sharing with it (DP-16), and the child
(14, Burmese-speaking) has consented, with a guardian, to information being shared (DP-5)."""

import pytest
from django.utils import timezone

from haven.accounts.models import Agency
from haven.accounts.roles import Role
from haven.consent.models import CHECKLIST_KEYS, Purpose
from haven.consent.services import consent_record
from haven.directory.services import offer_create, referral_send, sharing_assessment_record
from tests.factories import staff

REASON = "Fictional: nightmares since the rescue; needs weekly counselling in Burmese."


@pytest.fixture
def shelter(other_agency):  # type: ignore[no-untyped-def]
    return other_agency


@pytest.fixture
def shelter_admin(shelter):  # type: ignore[no-untyped-def]
    """Keeps the shelter's services in the directory (MANAGE_DIRECTORY)."""
    return staff(shelter, Role.AGENCY_ADMIN, username="shelter_admin")


@pytest.fixture
def psychologist(shelter):  # type: ignore[no-untyped-def]
    """The shelter's psychologist: answers referrals to the shelter (RESPOND_REFERRAL)."""
    return staff(shelter, Role.PSYCHOLOGIST, username="psy")


@pytest.fixture
def shelter_staff(shelter):  # type: ignore[no-untyped-def]
    return staff(shelter, Role.SHELTER_STAFF, username="shelterworker")


@pytest.fixture
def counselling(shelter, shelter_admin):  # type: ignore[no-untyped-def]
    return offer_create(
        actor=shelter_admin,
        agency=shelter,
        service_type="Psychological",
        name="Fictional counselling for children",
        country="TH",
        min_age=8,
        max_age=17,
        languages=["my", "th"],
        area="Fictional district",
        contact="Fictional counselling desk",
    )


@pytest.fixture
def assessment(agency, shelter, supervisor):  # type: ignore[no-untyped-def]
    return sharing_assessment_record(
        actor=supervisor,
        from_agency=agency,
        to_agency=shelter,
        risks="Fictional: shelter staff might talk about the child in the community.",
        safeguards="Fictional: signed confidentiality agreement, named staff only.",
        approved=True,
    )


def sharing_consent(case, actor, to=None, recipients=""):  # type: ignore[no-untyped-def]
    """A consent to share information with `to` (default: the shelter network, the
    `other_agency` fixture) and, as text, with `recipients` outside Haven (DP-5)."""
    if to is None:
        to = Agency.objects.get(name="Fictional Shelter Network")
    return consent_record(
        case=case,
        actor=actor,
        purpose=Purpose.INFORMATION_SHARING,
        recipient_agencies=[to],
        recipients=recipients,
        given_on=timezone.localdate(),
        language="my",
        formats=["verbal"],
        explained_by="Fictional case worker",
        checklist=list(CHECKLIST_KEYS),
        child_answer="agrees",
        representative="guardian",
        representative_name="Fictional guardian",
        representative_answer="consents",
    )


@pytest.fixture
def consent(case, case_worker, shelter):  # type: ignore[no-untyped-def]
    return sharing_consent(case, case_worker, to=shelter)


@pytest.fixture
def referral(case, case_worker, counselling, assessment, consent):  # type: ignore[no-untyped-def]
    """Sent, not yet answered: identity and health may be read once accepted (DP-9)."""
    return referral_send(
        case=case,
        actor=case_worker,
        offer=counselling,
        reason=REASON,
        urgent=True,
        data_points=["identity", "health"],
        consent=consent,
    )


@pytest.fixture
def accepted(referral, psychologist):  # type: ignore[no-untyped-def]
    from haven.directory.services import referral_accept

    return referral_accept(referral=referral, actor=psychologist)
