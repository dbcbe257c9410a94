"""Account services: sessions, password resets by an agency administrator, staff accounts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Membership, User
from haven.accounts.roles import Role
from haven.accounts.services import (
    logout_everywhere,
    password_reset_by_admin,
    second_factor_reset_by_admin,
    staff_create,
)
from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from tests.conftest import account_state
from tests.factories import staff

PASSWORD = "correct-horse-battery"  # the factories' password


# --- sessions --------------------------------------------------------------------------------


def test_dp3_logout_everywhere_changes_the_session_auth_hash(case_worker):
    # given the hash every current session of the user was signed with
    old_hash = case_worker.get_session_auth_hash()
    old_password = case_worker.password

    # when the user logs out everywhere
    logout_everywhere(user=case_worker)

    # then the stored account yields a different hash (every session fails verification), the
    # password is unchanged, and the action is audited
    fresh = User.objects.get(pk=case_worker.pk)
    assert fresh.get_session_auth_hash() != old_hash
    assert fresh.password == old_password
    assert fresh.check_password(PASSWORD) is True
    event = AuditEvent.objects.get(action="user.logout_everywhere")
    assert (event.actor, event.object_id, event.changes) == (
        case_worker,
        str(case_worker.public_id),
        {},
    )
    assert verify_chain() == []


# --- password reset by an administrator ------------------------------------------------------


def test_dp3_password_reset_by_an_admin_of_the_same_agency(admin, case_worker):
    # given a case worker with a second factor and a signed-in session
    old_hash = case_worker.get_session_auth_hash()
    assert TOTPDevice.objects.filter(user=case_worker).count() == 1

    # when their agency's administrator resets the account
    temporary = password_reset_by_admin(actor=admin, user=case_worker)

    # then the temporary password works, the old one does not, the second factor stays (so the
    # administrator cannot sign in as the user), the user must change the password, and every
    # session has ended
    fresh = User.objects.get(pk=case_worker.pk)
    assert fresh.check_password(temporary) is True
    assert fresh.check_password(PASSWORD) is False
    assert fresh.must_change_password is True
    assert TOTPDevice.objects.filter(user=case_worker).count() == 1
    assert fresh.get_session_auth_hash() != old_hash

    # and the audit row records the reset without the password
    event = AuditEvent.objects.get(action="user.password_reset")
    assert (event.actor, event.changes) == (admin, {"password": ["[changed]", "[changed]"]})
    assert temporary not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert verify_chain() == []


def test_dp3_temporary_passwords_differ_each_time(admin, case_worker):
    first = password_reset_by_admin(actor=admin, user=case_worker)
    second = password_reset_by_admin(actor=admin, user=case_worker)

    assert first != second
    assert User.objects.get(pk=case_worker.pk).check_password(first) is False


@pytest.mark.parametrize(
    "who",
    [
        "admin of another agency",
        "case worker of the same agency",
        "the admin themselves",
        "deactivated admin",
    ],
)
def test_dp3_password_reset_refused_changes_nothing(agency, admin, other_admin, case_worker, who):
    # given a target account and an actor who may not reset it
    if who == "admin of another agency":
        actor, target = other_admin, case_worker
    elif who == "case worker of the same agency":
        actor, target = staff(agency, Role.CASE_WORKER, username="peer"), case_worker
    elif who == "the admin themselves":
        actor, target = admin, admin
    else:
        Membership.objects.filter(user=admin).update(is_active=False)
        actor, target = User.objects.get(pk=admin.pk), case_worker
    before = account_state(target)

    # when they try
    with pytest.raises(PermissionDenied):
        password_reset_by_admin(actor=actor, user=target)

    # then the password, the flag, the sessions, the second factor and the audit trail are as before
    assert account_state(target) == before
    assert User.objects.get(pk=target.pk).check_password(PASSWORD) is True


# --- staff accounts --------------------------------------------------------------------------


def _staff_counts() -> tuple[int, int, int]:
    return (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())


def test_staff_create_by_an_agency_admin(admin, agency):
    user, temporary = staff_create(
        actor=admin,
        agency=agency,
        username="newworker",
        role=Role.CASE_WORKER,
        first_name="Fictional",
    )

    fresh = User.objects.get(pk=user.pk)
    assert fresh.check_password(temporary) is True
    assert fresh.must_change_password is True
    membership = Membership.objects.get(user=user)
    assert (membership.agency, membership.role, membership.is_active) == (
        agency,
        Role.CASE_WORKER,
        True,
    )
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["user.create", "membership.create"]
    assert temporary not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_staff_create_by_a_person_always_hands_over_a_temporary_password(admin, agency):
    # A person may not choose a colleague's password: they would know it
    user, initial = staff_create(
        actor=admin,
        agency=agency,
        username="chosen",
        role=Role.SUPERVISOR,
        password="Fictional-pass-123",
    )

    assert initial != "Fictional-pass-123"
    assert User.objects.get(pk=user.pk).must_change_password is True


def test_staff_create_on_the_server_may_set_a_password(agency):
    user, initial = staff_create(
        actor=None,
        agency=agency,
        username="bootstrap",
        role=Role.AGENCY_ADMIN,
        password="Fictional-pass-123",
    )
    assert initial == "Fictional-pass-123"
    assert User.objects.get(pk=user.pk).must_change_password is False


def test_agency_admin_cannot_create_a_system_administrator(admin, agency):
    before = User.objects.count()
    with pytest.raises(PermissionDenied):
        staff_create(actor=admin, agency=agency, username="root2", role=Role.SYSTEM_ADMIN)
    assert User.objects.count() == before


@pytest.mark.parametrize("username", ["cw", "CW", "Cw"])
def test_staff_create_refuses_a_duplicate_username(admin, agency, case_worker, username):
    # given an existing account "cw"
    before = _staff_counts()

    # when another account is created under the same name, in any letter case
    with pytest.raises(ValidationError) as excinfo:
        staff_create(actor=admin, agency=agency, username=username, role=Role.CASE_WORKER)

    # then it is refused and nothing was created
    assert list(excinfo.value.message_dict) == ["username"]
    assert _staff_counts() == before


@pytest.mark.parametrize("role", ["", "overlord", "Case_Worker"])
def test_staff_create_refuses_an_unknown_role(admin, agency, role):
    before = _staff_counts()

    with pytest.raises(ValidationError) as excinfo:
        staff_create(actor=admin, agency=agency, username="newworker", role=role)

    assert list(excinfo.value.message_dict) == ["role"]
    assert _staff_counts() == before
    assert User.objects.filter(username="newworker").exists() is False


def test_staff_create_refuses_an_invalid_username(admin, agency):
    before = _staff_counts()

    with pytest.raises(ValidationError) as excinfo:
        staff_create(
            actor=admin, agency=agency, username="no spaces allowed", role=Role.CASE_WORKER
        )

    assert list(excinfo.value.message_dict) == ["username"]
    assert _staff_counts() == before


def test_staff_create_by_an_admin_of_another_agency_is_refused(other_admin, agency):
    before = _staff_counts()

    with pytest.raises(PermissionDenied):
        staff_create(actor=other_admin, agency=agency, username="newworker", role=Role.CASE_WORKER)

    assert _staff_counts() == before


# --- second-factor reset and the two-person rule ---------------------------------------------


def test_dp3_second_factor_reset_removes_the_device_and_ends_sessions(admin, case_worker):
    old_hash = case_worker.get_session_auth_hash()

    second_factor_reset_by_admin(actor=admin, user=case_worker)

    fresh = User.objects.get(pk=case_worker.pk)
    assert TOTPDevice.objects.filter(user=case_worker).count() == 0
    assert fresh.check_password(PASSWORD) is True
    assert fresh.get_session_auth_hash() != old_hash
    assert AuditEvent.objects.filter(action="user.second_factor_reset", actor=admin).count() == 1


def test_dp3_one_admin_cannot_hold_both_factors_of_an_account(admin, case_worker):
    # given an admin who removed a colleague's second factor
    second_factor_reset_by_admin(actor=admin, user=case_worker)
    before = account_state(case_worker)

    # when the same admin tries to reset the password too
    with pytest.raises(PermissionDenied):
        password_reset_by_admin(actor=admin, user=case_worker)

    # then nothing changed: the colleague's own password still works
    assert account_state(case_worker) == before
    assert User.objects.get(pk=case_worker.pk).check_password(PASSWORD) is True


def test_dp3_one_admin_cannot_reset_the_second_factor_after_the_password(admin, case_worker):
    password_reset_by_admin(actor=admin, user=case_worker)
    before = account_state(case_worker)

    with pytest.raises(PermissionDenied):
        second_factor_reset_by_admin(actor=admin, user=case_worker)

    assert account_state(case_worker) == before


def test_dp3_no_administrator_resets_the_password_of_an_account_without_second_factor(
    agency, admin, case_worker
):
    # Given one administrator removed the colleague's second factor
    second_admin = staff(agency, Role.AGENCY_ADMIN, username="admin2")
    second_factor_reset_by_admin(actor=admin, user=case_worker)
    before = account_state(case_worker)

    # When a second administrator tries to reset the password (and could then enrol a device)
    with pytest.raises(PermissionDenied):
        password_reset_by_admin(actor=second_admin, user=case_worker)

    # Then nothing changed: only the owner, with their own password, can enrol a new device
    assert account_state(case_worker) == before


def test_dp3_after_the_owner_enrols_again_a_password_reset_is_possible(admin, case_worker):
    second_factor_reset_by_admin(actor=admin, user=case_worker)
    TOTPDevice.objects.create(user=case_worker, name="new phone", confirmed=True)

    temporary = password_reset_by_admin(actor=admin, user=case_worker)

    assert User.objects.get(pk=case_worker.pk).check_password(temporary) is True


def test_dp2_admin_cannot_reset_someone_who_also_works_for_another_agency(
    admin, case_worker, other_agency
):
    Membership.objects.create(user=case_worker, agency=other_agency, role=Role.CASE_WORKER)
    before = account_state(case_worker)

    with pytest.raises(PermissionDenied):
        password_reset_by_admin(actor=admin, user=case_worker)

    assert account_state(case_worker) == before


# --- agencies --------------------------------------------------------------------------------


def test_agency_create_needs_a_system_administrator(agency, admin):
    from haven.accounts.models import Agency
    from haven.accounts.services import agency_create

    before = Agency.objects.count()
    with pytest.raises(PermissionDenied):
        agency_create(
            actor=admin, name="Fictional New Agency", organisation_type="NGO", country="TH"
        )
    assert Agency.objects.count() == before

    sysadmin = staff(agency, Role.SYSTEM_ADMIN, username="root-admin")
    created = agency_create(
        actor=sysadmin, name="Fictional New Agency", organisation_type="NGO", country="TH"
    )
    assert (created.name, created.country) == ("Fictional New Agency", "TH")
    assert AuditEvent.objects.filter(action="agency.create", actor=sysadmin).count() == 1


def test_agency_create_rejects_an_unknown_country(agency):
    from django.core.exceptions import ValidationError

    from haven.accounts.models import Agency
    from haven.accounts.services import agency_create

    sysadmin = staff(agency, Role.SYSTEM_ADMIN, username="root-admin")
    before = Agency.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        agency_create(actor=sysadmin, name="Nowhere", organisation_type="NGO", country="XX")
    assert "country" in excinfo.value.message_dict
    assert Agency.objects.count() == before
