"""Who a service is for (CC-15, CC-11): the referral page lists exactly the services whose target
group fits the child, and the service behind the page and the API refuses every other one, so
no call refers a 14-year-old to a service for 18 to 25-year-olds.

The case's child (`case`) is set here to 14, masculine, speaking Burmese; the shelter (an agency
the office has assessed sharing with, DP-16) lists the services, and the child has consented to
information being shared (DP-5), so only the target group can refuse a referral."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.children.age import years_before
from haven.children.models import Child, ChildLanguage
from haven.directory.models import Referral, ServiceOffer
from haven.directory.selectors import offer_misfits, offers_for_case
from haven.directory.services import offer_create, referral_send
from tests.conftest import signed_in
from tests.directory.conftest import REASON


def _born(age: int) -> Any:
    """A birth date that makes the child `age` today, a month past the birthday."""
    return years_before(timezone.localdate(), age) - timedelta(days=30)


def _child(
    case: Any, *, age: int | None = 14, gender: str = "Masculine", languages: Any = ("my",)
) -> Child:
    """Set the case's child to the given age, gender and recorded languages."""
    Child.objects.filter(pk=case.child_id).update(
        birth_date=_born(age) if age is not None else None, gender=gender
    )
    ChildLanguage.objects.filter(child_id=case.child_id).delete()
    for index, code in enumerate(languages):
        ChildLanguage.objects.create(child_id=case.child_id, language=code, is_preferred=index == 0)
    case.child.refresh_from_db()
    return case.child


@pytest.fixture
def child_14(case):  # type: ignore[no-untyped-def]
    return _child(case)


def _offer(shelter, shelter_admin, name: str, **target: Any) -> ServiceOffer:  # type: ignore[no-untyped-def]
    return offer_create(
        actor=shelter_admin,
        agency=shelter,
        service_type="Psychological",
        name=name,
        country="TH",
        **target,
    )


def _state() -> tuple[int, int]:
    return Referral.objects.count(), AuditEvent.objects.count()


def _post(client: Client, case, offer, consent, **headers: Any):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/cases/{case.public_id}/referrals/",
        {"offer": str(offer.public_id), "reason": REASON, "consent": str(consent.public_id)},
        content_type="application/json",
        **headers,
    )


# What each refusal is about, for a 14-year-old masculine child speaking Burmese: the offer's
# target group, the field `offer_misfits` names and the words the message must say.
MISFITS = {
    "age_too_young": (
        {"min_age": 18, "max_age": 25},
        "age",
        "This service is for children aged 18 to 25; this child is 14.",
    ),
    "age_too_old": (
        {"max_age": 12},
        "age",
        "This service is for children aged up to 12; this child is 14.",
    ),
    "gender": (
        {"genders": ["Feminine"]},
        "gender",
        "This service is for children recorded as: Feminine; this child is recorded as: Masculine.",
    ),
    "language": (
        {"languages": ["km"]},
        "languages",
        "This service works in Khmer; this child speaks Burmese.",
    ),
}


def test_cc15_api_refuses_referral_of_a_14_year_old_to_an_18_plus_service_and_saves_nothing(
    client: Client, case, case_worker, child_14, shelter, shelter_admin, assessment, consent
):
    young_adults = _offer(
        shelter, shelter_admin, "Fictional flat for young adults", min_age=18, max_age=25
    )
    signed_in(client, case_worker)
    before = _state()
    response = _post(client, case, young_adults, consent)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["offer"] == [
        "This service is for children aged 18 to 25; this child is 14."
    ]
    assert _state() == before


@pytest.mark.parametrize("kind", list(MISFITS))
def test_cc15_api_refuses_a_service_outside_the_childs_target_group_and_saves_nothing(
    kind, client: Client, case, case_worker, child_14, shelter, shelter_admin, assessment, consent
):
    target, _field, message = MISFITS[kind]
    offer = _offer(shelter, shelter_admin, f"Fictional service ({kind})", **target)
    signed_in(client, case_worker)
    before = _state()
    response = _post(client, case, offer, consent)
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["offer"]
    assert error["fields"]["offer"] == [message]
    assert _state() == before


@pytest.mark.parametrize("kind", list(MISFITS))
def test_cc15_service_refuses_a_service_outside_the_childs_target_group_and_saves_nothing(
    kind, case, case_worker, child_14, shelter, shelter_admin, assessment, consent
):
    target, field, message = MISFITS[kind]
    offer = _offer(shelter, shelter_admin, f"Fictional service ({kind})", **target)
    assert offer_misfits(offer, child_14, timezone.localdate()) == {field: message}
    before = _state()
    with pytest.raises(ValidationError) as exc:
        referral_send(case=case, actor=case_worker, offer=offer, reason=REASON, consent=consent)
    assert exc.value.message_dict == {"offer": [message]}
    assert _state() == before


def test_cc15_every_reason_a_service_does_not_fit_is_named(
    case, case_worker, child_14, shelter, shelter_admin, assessment, consent
):
    offer = _offer(
        shelter,
        shelter_admin,
        "Fictional service for older girls speaking Khmer",
        min_age=16,
        genders=["Feminine", "TransgenderFeminine"],
        languages=["km", "th"],
    )
    before = _state()
    with pytest.raises(ValidationError) as exc:
        referral_send(case=case, actor=case_worker, offer=offer, reason=REASON, consent=consent)
    assert exc.value.message_dict["offer"] == [
        "This service is for children aged 16 or older; this child is 14.",
        "This service is for children recorded as: Feminine, Transgender feminine; this child "
        "is recorded as: Masculine.",
        "This service works in Khmer, Thai; this child speaks Burmese.",
    ]
    assert _state() == before


def test_cc15_the_refusal_is_in_the_callers_language(
    client: Client, case, case_worker, child_14, shelter, shelter_admin, assessment, consent
):
    young_adults = _offer(
        shelter, shelter_admin, "Fictional flat for young adults", min_age=18, max_age=25
    )
    signed_in(client, case_worker)
    response = _post(client, case, young_adults, consent, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["offer"] == [
        "Layanan ini untuk anak berusia 18 sampai 25 tahun; anak ini berusia 14 tahun."
    ]


def test_cc15_a_service_whose_target_group_fits_still_takes_the_referral(
    client: Client, case, case_worker, child_14, shelter, shelter_admin, assessment, consent
):
    fitting = _offer(
        shelter,
        shelter_admin,
        "Fictional group for teenage boys",
        min_age=14,
        max_age=17,
        genders=["Masculine", "TransgenderMasculine"],
        languages=["km", "my"],
    )
    assert offer_misfits(fitting, child_14, timezone.localdate()) == {}
    signed_in(client, case_worker)
    response = _post(client, case, fitting, consent)
    assert response.status_code == 201
    referral = Referral.objects.get()
    assert referral.offer_id == fitting.pk and referral.languages == ["my"]
    assert referral_send(
        case=case, actor=case_worker, offer=fitting, reason=REASON, consent=consent
    ).offer_id == (fitting.pk)
    assert Referral.objects.count() == 2


def test_cc15_what_is_not_known_about_the_child_cannot_exclude_them(
    case, case_worker, shelter, shelter_admin, assessment, consent
):
    narrow = _offer(
        shelter,
        shelter_admin,
        "Fictional service for older girls speaking Khmer",
        min_age=16,
        max_age=17,
        genders=["Feminine"],
        languages=["km"],
    )
    unknown = _child(case, age=None, gender="NonSpecifiedUnknown", languages=())
    assert offer_misfits(narrow, unknown, timezone.localdate()) == {}
    assert narrow in offers_for_case(case)
    referral = referral_send(
        case=case, actor=case_worker, offer=narrow, reason=REASON, consent=consent
    )
    assert referral.age_band == "unknown"


# --- the page's list and the service agree ---------------------------------------------------

# Children as (age, gender, recorded languages), and services as their target group.
CHILDREN = [
    (14, "Masculine", ("my",)),
    (5, "Feminine", ("th", "my")),
    (17, "Feminine", ("km",)),
    (20, "TransgenderFeminine", ("th",)),
    (None, "Masculine", ()),
    (9, "NonSpecifiedUnknown", ("vi",)),
]
OFFERS = {
    "any child": {},
    "young adults": {"min_age": 18, "max_age": 25},
    "under 12": {"max_age": 11},
    "teenagers": {"min_age": 12, "max_age": 17},
    "girls": {"genders": ["Feminine", "TransgenderFeminine"]},
    "boys in Burmese": {"genders": ["Masculine"], "languages": ["my"]},
    "Thai or Khmer": {"languages": ["th", "km"]},
    "teenage girls in Khmer": {
        "min_age": 15,
        "max_age": 17,
        "genders": ["Feminine"],
        "languages": ["km"],
    },
}


class _Undo(Exception):
    pass


def _accepted(case, case_worker, offer, consent) -> bool:  # type: ignore[no-untyped-def]
    """Whether `referral_send` takes the referral; an accepted one is rolled back."""
    try:
        with transaction.atomic():
            referral_send(case=case, actor=case_worker, offer=offer, reason=REASON, consent=consent)
            raise _Undo
    except _Undo:
        return True
    except ValidationError as exc:
        assert list(exc.message_dict) == ["offer"]
        return False


def test_cc15_the_referral_page_lists_exactly_the_services_the_service_accepts(
    client: Client,
    case,
    case_worker,
    agency,
    supervisor,
    shelter,
    shelter_admin,
    assessment,
    consent,
):
    offers = [
        _offer(shelter, shelter_admin, f"Fictional service: {name}", **target)
        for name, target in OFFERS.items()
    ]
    closed = _offer(shelter, shelter_admin, "Fictional closed service")
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    own = offer_create(
        actor=supervisor, agency=agency, service_type="Health", name="Own clinic", country="TH"
    )
    signed_in(client, case_worker)
    before = _state()
    taken: dict[str, set[bool]] = {offer.name: set() for offer in offers}
    for age, gender, languages in CHILDREN:
        child = _child(case, age=age, gender=gender, languages=languages)
        listed = {o.pk for o in offers_for_case(case)}
        page = client.get(f"/cases/{case.public_id}/referrals/new/").content.decode()
        for offer in [*offers, closed, own]:
            accepted = _accepted(case, case_worker, offer, consent)
            profile = (age, gender, languages, offer.name)
            assert (offer.pk in listed) == accepted, profile
            assert (offer.name in page) == accepted, profile
            if offer in offers:
                assert (not offer_misfits(offer, child, timezone.localdate())) == accepted, profile
                taken[offer.name].add(accepted)
        assert _state() == before
    # Not a property of nothing: every service but the one for any child fits some of the
    # children and not others; no child is ever referred to a closed service or its own agency.
    assert taken.pop("Fictional service: any child") == {True}
    assert all(results == {True, False} for results in taken.values()), taken
