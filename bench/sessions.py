"""Signed-in sessions for the load test (bench/locustfile.py), on a database filled by
bench/generate.py.

    SECRET_KEY=<the server's> HAVEN_DEV=1 \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench \\
        .venv/bin/python bench/sessions.py --case-workers 40 --supervisors 8

For N case workers who hold open cases and M supervisors of the generated agencies, it gives
each a confirmed TOTP device if they have none, and stores a session that has passed both
factors, as the sign-in and verification pages leave it (and as tests/conftest.py `signed_in`
does with the test client): the user's id, the authentication backend and the session hash,
and django-otp's device id. No password or code is used and nobody signs in: the generated
accounts have unusable passwords. It writes bench/results/load-sessions.json with, per user,
the session cookie, the role and the public ids of a few cases the user may open: their own
open cases for a case worker, open cases of their agency for a supervisor; and for a case
worker, those of their cases where an interview may be recorded (not where the child said no
to interviews, CC-3).

The session hash is an HMAC under SECRET_KEY (`User.get_session_auth_hash`), so the server under
load must run with the SECRET_KEY given here; the script refuses to run without one. HAVEN_DEV=1
only lets the settings load without the other production keys: nothing here is read from an
encrypted field. Sessions expire after HAVEN_SESSION_IDLE_MINUTES (30) like any other, so run
this shortly before the load test. The rows it adds (devices, sessions) are the only writes.
"""

import argparse
import json
import os
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from generate import setup_django  # noqa: E402

OUT = ROOT / "bench" / "results" / "load-sessions.json"


def login_backend() -> str:
    """The backend Django's test client `force_login` records: the first one that loads users."""
    from django.conf import settings
    from django.contrib.auth import load_backend

    return next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )


def signed_in_session(user, device, backend: str) -> str:  # type: ignore[no-untyped-def]
    """Store a session with both factors passed for `user` and return its key (the cookie)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return str(session.session_key)


def confirmed_device(user):  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Load test", confirmed=True)
    return device


def reencrypt(log=print) -> int:  # type: ignore[no-untyped-def]
    """Encrypt every non-empty encrypted value again with the first of HAVEN_FIELD_KEYS.

    bench/generate.py runs in HAVEN_DEV and encrypts a few fields (a restriction's
    justification, a service's urgent reason, family members' names...) with the local demo's
    field key, which a server without HAVEN_DEV refuses to hold (config/safety.py): every page
    that reads one of them would fail. Reading decrypts with whichever key fits (the server's or
    the demo's, which `main` puts last); saving encrypts with the first."""
    from django.apps import apps
    from django.db import transaction
    from django.db.models import Q

    from haven.core.fields import EncryptedTextField

    total = 0
    for model in apps.get_models():
        columns = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if not columns or model._meta.proxy or not model._meta.managed:
            continue
        empty = Q()
        for column in columns:
            empty &= Q(**{column: ""}) | Q(**{f"{column}__isnull": True})
        manager = model._base_manager
        pks = list(manager.exclude(empty).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), 500):
            with transaction.atomic():
                rows = list(manager.filter(pk__in=pks[start : start + 500]).only("pk", *columns))
                manager.bulk_update(rows, columns)
        if pks:
            log(f"  {model._meta.label}: {len(pks)} row(s) encrypted again")
        total += len(pks)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case-workers", type=int, default=40, help="how many (40)")
    parser.add_argument("--supervisors", type=int, default=8, help="how many (8, all of them)")
    parser.add_argument("--cases", type=int, default=5, help="cases listed per user (5)")
    parser.add_argument("--seed", type=int, default=1, help="which users and cases (1)")
    parser.add_argument(
        "--reencrypt",
        action="store_true",
        help="first encrypt the generated data again with the server's HAVEN_FIELD_KEYS: "
        "on a copy of the generated database, once",
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help="JSON file (bench/results/load-sessions.json)"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to the database bench/generate.py filled")
    if not os.environ.get("SECRET_KEY"):
        raise SystemExit(
            "set SECRET_KEY to the key the server under load runs with: the session hash "
            "is signed with it"
        )
    if args.reencrypt:
        from config.safety import DEV_FIELD_KEY

        if not os.environ.get("HAVEN_FIELD_KEYS"):
            raise SystemExit("--reencrypt: set HAVEN_FIELD_KEYS to the server's field keys")
        os.environ["HAVEN_FIELD_KEYS"] += "," + DEV_FIELD_KEY
    setup_django()
    if args.reencrypt:
        print(f"encrypted again with the server's key: {reencrypt()} row(s)")

    from django.db import transaction

    from haven.accounts.models import Membership, User
    from haven.accounts.roles import Role
    from haven.cases.models import AssignmentRole, Case, CaseAssignment
    from haven.consent.models import Purpose
    from haven.consent.selectors import standing_refusal

    rng = random.Random(args.seed)
    backend = login_backend()
    open_cases = Case.objects.exclude(stage=Case.Stage.CLOSED)

    # Case workers with at least `--cases` open cases of their own, across every agency.
    held: dict[int, list[str]] = {}
    for user_id, public_id in (
        CaseAssignment.objects.current()
        .filter(
            role=AssignmentRole.CASE_WORKER,
            case__in=open_cases,
            user__memberships__role=Role.CASE_WORKER,
            user__memberships__is_active=True,
        )
        .distinct()
        .order_by("user_id", "case_id")
        .values_list("user_id", "case__public_id")
    ):
        held.setdefault(user_id, []).append(str(public_id))
    candidates = sorted(uid for uid, cases in held.items() if len(cases) >= args.cases)
    rng.shuffle(candidates)
    workers = candidates[: args.case_workers]

    supervisors = sorted(
        Membership.objects.filter(role=Role.SUPERVISOR, is_active=True).values_list(
            "user_id", "agency_id"
        )
    )[: args.supervisors]

    people: list[tuple[int, str, list[str]]] = []
    for uid in workers:
        people.append((uid, Role.CASE_WORKER, rng.sample(held[uid], args.cases)))
    # Where the scenario records an interview: not where the child said no to interviews, which
    # Haven refuses with the form again (CC-3, a 400) as it should.
    refused = {
        str(case.public_id)
        for case in Case.objects.filter(public_id__in=[c for _, _, cs in people for c in cs])
        if standing_refusal(case, [Purpose.INTERVIEW]) is not None
    }
    for uid, agency_id in supervisors:
        ids = list(
            open_cases.filter(lead_agency_id=agency_id)
            .order_by("pk")
            .values_list("public_id", flat=True)[:500]
        )
        people.append((uid, Role.SUPERVISOR, [str(i) for i in rng.sample(ids, args.cases)]))

    users = User.objects.in_bulk([uid for uid, _, _ in people])
    records = []
    with transaction.atomic():
        for uid, role, cases in people:
            user = users[uid]
            if role == Role.SUPERVISOR:
                interview_cases: list[str] = []
            else:
                interview_cases = [c for c in cases if c not in refused]
            device = confirmed_device(user)
            records.append(
                {
                    "username": user.username,
                    "role": str(role),
                    "session": signed_in_session(user, device, backend),
                    "cases": cases,
                    # Where a case worker may record an interview (empty for supervisors).
                    "interview_cases": interview_cases,
                }
            )

    from django.conf import settings

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
                "users": records,
            },
            indent=1,
        )
    )
    print(
        f"{len(workers)} case workers and {len(supervisors)} supervisors signed in "
        f"(sessions valid for {settings.SESSION_COOKIE_AGE // 60} min without a request): "
        f"{args.out}"
    )


if __name__ == "__main__":
    main()
