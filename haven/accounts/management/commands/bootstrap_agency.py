from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from haven.accounts.models import OrganisationType
from haven.accounts.roles import Role
from haven.accounts.services import agency_create, staff_create


class Command(BaseCommand):
    help = (
        "Create an agency and its first administrator (a new deployment, or a new agency "
        "joining). Prints a temporary password to hand over in person."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, choices=OrganisationType.values)
        parser.add_argument("--country", required=True, help="ISO 3166 code, e.g. TH")
        parser.add_argument("--time-zone", default="Asia/Bangkok")
        parser.add_argument("--child-protection-authority", action="store_true")
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--system-admin", action="store_true", help="also add agencies")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from django.core.exceptions import ValidationError

        try:
            with transaction.atomic():
                agency = agency_create(
                    actor=None,
                    name=options["name"],
                    organisation_type=options["type"],
                    country=options["country"],
                    is_child_protection_authority=options["child_protection_authority"],
                    time_zone=options["time_zone"],
                )
                role = Role.SYSTEM_ADMIN if options["system_admin"] else Role.AGENCY_ADMIN
                user, password = staff_create(
                    actor=None, agency=agency, username=options["admin_username"], role=role
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Agency created: {agency.name} ({agency.country})")
        self.stdout.write(f"Administrator: {user.username} ({Role(role).label})")
        self.stdout.write(f"Temporary password (hand it over in person): {password}")
        self.stdout.write("At first sign-in they set up the second step and choose a password.")
