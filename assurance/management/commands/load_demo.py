from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assurance.demo import DEMO_PASSWORD, load_demo
from assurance.models import Organisation


class Command(BaseCommand):
    help = "Load the demo data built from the source documents (idempotent). --scale N makes N times as much."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Offices of demo content, and sets of the home office's own records (default 1).",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Load only into an empty database (used by `make run`)."
        )

    def handle(self, *args, scale: int, force: bool, if_empty: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Pass --force to load demo data anyway."
            )
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        if if_empty and Organisation.objects.exists():
            self.stdout.write("The database already has data: demo data not loaded again.")
        else:
            context = load_demo(scale=scale, usable_passwords=settings.DEBUG)
            for line in context.log:
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded (scale {scale})."))
        if settings.DEBUG:
            self.stdout.write(
                "Demo sign-ins (demo use only): editor, publisher, panel and admin; "
                f"password for all: {DEMO_PASSWORD}"
            )
        else:
            self.stdout.write(
                "DEBUG is off, so the demo users (editor, publisher, panel and admin) cannot sign in: "
                "their passwords are unusable until an administrator sets new ones "
                "(Administration, Users, the user, ‘Set password’)."
            )
