from django.core.management.base import BaseCommand, CommandError

from principles.services import FrameworkFileError, framework_load_file


class Command(BaseCommand):
    help = "Load (or update) a governance framework and its principles from a YAML file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="e.g. principles/frameworks/cipfa-solace-2016.yaml")

    def handle(self, *args, file: str, **options):
        try:
            framework = framework_load_file(file)
        except FrameworkFileError as error:
            raise CommandError(str(error)) from None
        principles = framework.principles.count()
        subs = sum(p.sub_principles.count() for p in framework.principles.all())
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {framework}: {principles} principles, {subs} sub-principles.")
        )
