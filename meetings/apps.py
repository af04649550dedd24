from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and actions"

    def ready(self):
        from meetings import area  # noqa: F401 - registers the area
