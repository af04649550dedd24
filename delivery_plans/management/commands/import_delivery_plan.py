from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from delivery_plans import tables
from delivery_plans.models import Plan


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file of commitments (or of a quarter's progress updates) into a plan. "
        "Every row is checked first: any problem and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--plan", type=int, help="The plan's id (needed when there is more than one plan)."
        )
        parser.add_argument("--kind", choices=list(tables.IMPORTS), default="commitments")
        parser.add_argument(
            "--user",
            help="The username the history records as having made the changes (default: the system).",
        )

    def handle(self, *args, file: Path, plan: int | None, kind: str, user: str | None = None, **options):
        plans = Plan.objects.all() if plan is None else Plan.objects.filter(pk=plan)
        if plans.count() != 1:
            raise CommandError("Name the plan with --plan ID" if plan is None else f"No plan {plan}")
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        by = None
        if user:
            by = get_user_model().objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(f"No active user {user}")
        result = tables.IMPORTS[kind](plan=plans.get(), by=by).run(file.read_bytes(), file.name)
        if not result.ok:
            for error in result.errors:
                column = f", column {error.column}" if error.column else ""
                self.stderr.write(f"Row {error.row}{column}: {error.message}")
            raise CommandError(f"Nothing imported: {len(result.errors)} problem(s) in {file.name}")
        self.stdout.write(result.summary)
