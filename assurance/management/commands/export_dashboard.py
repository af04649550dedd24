import datetime
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assurance.models import Organisation, Publication, ReportingPeriod
from assurance.paper import render_paper


class Command(BaseCommand):
    help = "Write a publication's panel paper (PDF). Default: the latest publication of the home OPCC."

    def add_base_argument(self, parser, *args, **kwargs):
        # Here --version names the publication's version, not the program's.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Where to write the PDF.")
        parser.add_argument("--period", help="The quarter, e.g. '2016/17 Q3'. Default: the latest published.")
        parser.add_argument("--version", type=int, help="The version of that quarter. Default: the latest.")
        parser.add_argument("--organisation", help="The OPCC's slug. Default: the home organisation.")
        parser.add_argument("--agenda-item", help="Agenda item number for the cover, e.g. 8.")
        parser.add_argument("--meeting-date", help="Panel meeting date for the cover, YYYY-MM-DD.")

    def handle(self, *args, output, period, version, organisation, agenda_item, meeting_date, **options):
        publication = self.find(organisation=organisation, period=period, version=version)
        overrides = {}
        if agenda_item is not None:
            if not re.fullmatch(r"[0-9]{1,3}[a-z]?", agenda_item):
                raise CommandError(
                    f"--agenda-item {agenda_item!r} is not an agenda item number such as 8 or 8a"
                )
            overrides["agenda_item"] = agenda_item
        if meeting_date is not None:
            try:
                overrides["meeting_date"] = datetime.date.fromisoformat(meeting_date)
            except ValueError:
                raise CommandError(
                    f"--meeting-date {meeting_date!r} is not a date such as 2016-12-07"
                ) from None
        paper = publication.paper
        if not overrides and paper.status == paper.Status.READY and paper.file:
            pdf = paper.file.open("rb").read()  # the very paper the panel downloads
        else:
            pdf = render_paper(paper, **overrides)
        try:
            Path(output).write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}") from None
        self.stdout.write(f"Wrote {publication} ({len(pdf):,} bytes) to {output}")

    def find(self, *, organisation, period, version) -> Publication:
        org = (
            Organisation.objects.filter(slug=organisation).first()
            if organisation
            else Organisation.objects.home()
        )
        if org is None:
            raise CommandError(
                f"No organisation {organisation!r}" if organisation else "No organisation exists yet"
            )
        publications = Publication.objects.filter(organisation=org).select_related("period", "paper")
        if period:
            try:
                start_year, quarter = ReportingPeriod.parse(period)
            except ValueError as error:
                raise CommandError(str(error)) from None
            publications = publications.filter(period__start_year=start_year, period__quarter=quarter)
        if version:
            publications = publications.filter(version=version)
        publication = publications.order_by("-published_at", "-version").first()
        if publication is None:
            raise CommandError(
                "No publication matches: publish the quarter first, or check --period and --version"
            )
        return publication
