"""Account writes: staff accounts, memberships, second factors and sessions. Each is one
transaction and writes an audit event; passwords and keys never appear in it."""

import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.access import agencies_where
from haven.accounts.models import Agency, LanguageReview, Membership, User
from haven.accounts.roles import Capability, Role
from haven.audit.services import record_event
from haven.core.codes import validate_country, validate_language
from haven.core.versions import check_version


def _admin_agencies(actor: Any, capability: str = Capability.MANAGE_MEMBERS) -> set[int]:
    return {a.pk for a in agencies_where(actor, capability)}


def temporary_password() -> str:
    return "-".join(secrets.token_urlsafe(4) for _ in range(4))


@transaction.atomic
def agency_create(
    *,
    actor: Any,
    name: str,
    organisation_type: str,
    country: str,
    is_child_protection_authority: bool = False,
    time_zone: str = "Asia/Bangkok",
    phone: str = "",
    hotline: str = "",
    email: str = "",
    address: str = "",
) -> Agency:
    """Add an agency. `actor=None` is the bootstrap path (the first agency, the demo data),
    open only to code run on the server, never to a request."""
    if actor is not None and not _admin_agencies(actor, Capability.MANAGE_AGENCIES):
        raise PermissionDenied(_("You cannot add agencies."))
    agency = Agency(
        name=name,
        organisation_type=organisation_type,
        country=country,
        is_child_protection_authority=is_child_protection_authority,
        time_zone=time_zone,
        created_by=actor,
        updated_by=actor,
    )
    _set_contacts(agency, phone=phone, hotline=hotline, email=email, address=address)

    agency.full_clean()
    try:
        validate_country(country)
    except ValidationError as exc:
        raise ValidationError({"country": exc.messages}) from exc
    agency.save()
    record_event(
        actor=actor, action="agency.create", obj=agency, changes={"country": [None, country]}
    )
    return agency


CONTACT_FIELDS = ("phone", "hotline", "email", "address")
# Digits, spaces, "+", "-", "(", ")", "/" and "ext.": how phone numbers are written.
_PHONE = re.compile(r"^\+?[0-9 ()/.\-]*(?:ext\.? ?[0-9]+)?$")


def _set_contacts(agency: Agency, **contacts: str) -> dict[str, list[str]]:
    """Set the agency's contact details, checked; returns what changed (before, after)."""
    errors: dict[str, str] = {}
    changes: dict[str, list[str]] = {}
    for field in CONTACT_FIELDS:
        value = " ".join((contacts.get(field) or "").split())
        if field in ("phone", "hotline") and value and not _PHONE.match(value):
            errors[field] = _("Write a phone number in figures, e.g. +66 2 123 4567.")
        if value != getattr(agency, field):
            changes[field] = [getattr(agency, field), value]
        setattr(agency, field, value)
    if errors:
        raise ValidationError(errors)
    return changes


def may_edit_agency(actor: Any, agency: Agency) -> bool:
    """A system administrator edits any agency's details; an agency administrator their own."""
    return bool(_admin_agencies(actor, Capability.MANAGE_AGENCIES)) or agency.pk in (
        _admin_agencies(actor)
    )


@transaction.atomic
def agency_contacts_update(
    *, actor: Any, agency: Agency, expected_version: str | None = None, **contacts: str
) -> Agency:
    """Change how other agencies reach this one (phone, emergency line, e-mail, address)."""
    if not may_edit_agency(actor, agency):
        raise PermissionDenied(_("You cannot change this agency's details."))
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    check_version(agency, expected_version)
    changes = _set_contacts(
        agency, **{f: contacts.get(f, getattr(agency, f)) for f in CONTACT_FIELDS}
    )
    if changes:
        agency.updated_by = actor
        agency.full_clean()
        agency.save()
        record_event(actor=actor, action="agency.contacts", obj=agency, changes=changes)
    return agency


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    agency: Agency,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    supervisor: User | None = None,
    languages: Iterable[str] = (),
) -> tuple[User, str]:
    """Create a staff account with one membership. Returns the user and the temporary password
    to hand over; the user must change it at first sign-in and enrol a second factor."""
    if actor is not None and agency.pk not in _admin_agencies(actor):
        raise PermissionDenied(_("You cannot add staff to this agency."))
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if actor is not None:
        # Only code run on the server (actor None: the first accounts, the demo) may choose a
        # password or create a system administrator; a person always hands over a temporary
        # password that its owner must change.
        if role == Role.SYSTEM_ADMIN and not _admin_agencies(actor, Capability.MANAGE_AGENCIES):
            raise PermissionDenied(_("Only a system administrator can create this role."))
        password = None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    initial = password or temporary_password()

    codes = list(dict.fromkeys(languages))
    for code in codes:
        try:
            validate_language(code)
        except ValidationError as exc:
            raise ValidationError({"languages": exc.messages}) from exc
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, languages=codes
    )
    user.set_password(initial)
    user.must_change_password = password is None
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.create(
        user=user,
        agency=agency,
        role=role,
        supervisor=supervisor,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor, action="user.create", obj=user, changes={"username": [None, username]}
    )
    record_event(
        actor=actor,
        action="membership.create",
        obj=membership,
        changes={"agency": [None, str(agency.public_id)], "role": [None, role]},
    )
    return user, initial


def _check_may_reset(actor: Any, user: User) -> None:
    """An administrator may reset an account only when they administer every agency the
    account works for: otherwise one agency's administrator could take over access that
    another agency granted."""
    agencies = set(user.memberships.filter(is_active=True).values_list("agency_id", flat=True))
    if user.pk == actor.pk or not agencies or not agencies <= _admin_agencies(actor):
        raise PermissionDenied(_("You cannot reset this account."))


def _end_sessions(user: User) -> None:
    user.session_salt = secrets.token_hex(16)


def end_sessions(user: User) -> None:
    """End every session of the user at once (their session hash no longer matches); the
    caller saves the user and writes the audit event."""
    _end_sessions(user)


@transaction.atomic
def password_reset_by_admin(*, actor: Any, user: User) -> str:
    """Reset a colleague's password. Returns a temporary password to hand over in person; it
    must be changed at next sign-in, and every session of the user ends. The second factor is
    kept, so the administrator cannot sign in as the user.

    Refused while the account has no second factor (after a second-factor reset, before the
    owner enrols a new one): whoever held the new password could then enrol their own
    authenticator and take the account over. An account whose owner lost both is replaced by a
    new account instead."""
    _check_may_reset(actor, user)
    # Lock the account row: a concurrent second-factor reset must see this one, and this one it.
    user = User.objects.select_for_update().get(pk=user.pk)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDenied(
            _(
                "This account has no second step yet: its owner must sign in with their own "
                "password and set one up first. If they have also forgotten their password, "
                "create a new account for them."
            )
        )
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    _end_sessions(user)
    user.save(update_fields=["password", "must_change_password", "session_salt"])
    record_event(
        actor=actor,
        action="user.password_reset",
        obj=user,
        changes={"password": ["[changed]", "[changed]"]},
    )
    return password


@transaction.atomic
def second_factor_reset_by_admin(*, actor: Any, user: User) -> None:
    """Remove a colleague's second factor (a lost phone). They enrol a new one at next sign-in
    with their own password; every session ends. Refused while the account holds a temporary
    password, which an administrator knows: the two resets together would hand over both
    factors."""
    _check_may_reset(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.must_change_password:
        raise PermissionDenied(
            _(
                "This account still has a temporary password: its owner must sign in and "
                "choose their own before the second step can be reset."
            )
        )
    TOTPDevice.objects.filter(user=user).delete()
    _end_sessions(user)
    user.save(update_fields=["session_salt"])
    record_event(actor=actor, action="user.second_factor_reset", obj=user)


@transaction.atomic
def logout_everywhere(*, user: User) -> None:
    """End every session of the user, on every device, including this one."""
    user.session_salt = secrets.token_hex(16)
    user.save(update_fields=["session_salt"])
    record_event(actor=user, action="user.logout_everywhere", obj=user)


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_event(
        actor=user,
        action="user.password_change",
        obj=user,
        changes={"password": ["[changed]", "[changed]"]},
    )


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device shown as a QR code during enrolment (created once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment with the first code from the app. Other devices are removed."""
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(actor=user, action="user.second_factor_enrol", obj=user)
    return True


@transaction.atomic
def language_review_record(
    *,
    actor: Any,
    agency: Agency,
    language: str,
    reviewer: str,
    reviewed_on: Any,
    notes: str,
) -> LanguageReview:
    """Record that a native-speaking practitioner reviewed one of Haven's languages (CC-11),
    for the agency they reviewed it with. From then on the children's sheets in it no longer
    say that the text awaits review."""
    if agency.pk not in _admin_agencies(actor):
        raise PermissionDenied(_("You cannot record a review for this agency."))
    if language not in dict(settings.LANGUAGES) or language == settings.LANGUAGE_CODE:
        raise ValidationError({"language": _("Choose one of Haven's translations.")})
    errors = {}
    if not reviewer.strip():
        errors["reviewer"] = _("Name the person who reviewed it, and their role.")
    if not notes.strip():
        errors["notes"] = _("Say what was reviewed (interface, kiosk, sheets) and what changed.")
    if reviewed_on is None or reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("Give the day of the review; it cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    review = LanguageReview.objects.create(
        language=language,
        agency=agency,
        reviewer=reviewer.strip(),
        reviewed_on=reviewed_on,
        notes=notes.strip(),
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="language.review",
        obj=review,
        changes={"language": [None, language], "agency": [None, str(agency.public_id)]},
    )
    return review
