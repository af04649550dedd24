"""Demo data: the core's part (organisations, periods, users), and the context that every
area's loader receives. Loaders are idempotent: running twice changes nothing."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from assurance import registry
from assurance.models import Acronym, AuditedModel, Membership, Organisation, ReportingPeriod
from assurance.permissions import Role
from assurance.writes import Links, RecordWrite, record_upsert, records_save

# The documented demo sign-in; with DEBUG off the demo users get unusable passwords instead.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105


DEMO_REASON = "Demo data"


def upsert(model: type[AuditedModel], lookup: dict, values: dict, *, links: Links | None = None):
    """Create a demo record, or update only what differs: loading the demo again changes
    nothing and adds no history."""
    return record_upsert(model, lookup=lookup, values=values, links=links, reason=DEMO_REASON)[0]


def upsert_many(
    model: type[AuditedModel], rows: list[tuple[dict, dict]], *, existing: dict | None = None
) -> list:
    """Many demo records of one model at once, as `upsert` does them one by one.

    `rows` are (lookup, values); `existing` maps a lookup's values (a tuple, in the lookup's
    order) to the saved record, when the loader has read them already.
    """
    if existing is None:
        fields = list(rows[0][0]) if rows else []
        existing = {tuple(getattr(obj, f) for f in fields): obj for obj in model._default_manager.all()}
    writes, records = [], []
    for lookup, values in rows:
        obj = existing.get(tuple(lookup.values()))
        if obj is None:
            obj = model(**lookup, **values)
            writes.append(RecordWrite(obj))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            writes.append(RecordWrite(obj, loaded_version=obj.version))
        records.append(obj)
    records_save(writes=writes, by=None, reason=DEMO_REASON)
    return records


def numbered(text: str, number: int) -> str:
    """A ref or label as set `number` of the demo records holds it: the original's for set 1,
    else with "-n" after it, which sorts straight after the original (1.2, 1.2-2, 1.2-10, 1.3;
    assurance.text.sort_key)."""
    return text if number == 1 else f"{text}-{number}"


def read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass
class DemoContext:
    scale: int
    home: Organisation
    organisations: dict[str, Organisation]
    users: dict[str, Any]
    # Copies for --scale: each is an extra OPCC with its own copy of every area's data.
    copies: list[Organisation] = field(default_factory=list)
    # Sets of its own records the home office gets: the scale, unless asked otherwise.
    home_sets: int = 1
    log: list[str] = field(default_factory=list)

    @property
    def owners(self) -> list[Organisation]:
        """Every OPCC that gets the demo content: the home office first, then the copies."""
        return [self.home, *self.copies]

    def sets(self, owner: Organisation) -> range:
        """The numbers of the sets of its own records an owner gets: 1, the originals, for
        every owner; and for the home office, 2 to N too at --scale N. Other offices' copies
        alone would leave the home office's own pages as they are; its extra sets make those
        pages grow with the scale too."""
        return range(1, (self.home_sets if owner == self.home else 1) + 1)

    def period(self, start_year: int, quarter: int | None = None) -> ReportingPeriod:
        return ReportingPeriod.objects.get_or_create(start_year=start_year, quarter=quarter)[0]

    def say(self, message: str) -> None:
        self.log.append(message)


def load_core(*, scale: int, home_sets: int | None = None, usable_passwords: bool = True) -> DemoContext:
    """The organisations, periods and users, and the context for the areas' loaders: `scale`
    offices, the home office with `home_sets` sets of its own records (the scale unless
    given; 1 keeps the home office's own pages as they are while other offices grow)."""
    data = read_yaml(Path(__file__).with_name("core.yaml"))
    organisations = {}
    for row in data["organisations"]:
        organisations[row["slug"]] = upsert(
            Organisation,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "area_name": row.get("area_name", ""),
                "kind": row["kind"],
                "is_home": row.get("is_home", False),
            },
        )
    for row in data["organisations"]:
        organisations[row["slug"]].allies.set([organisations[s] for s in row.get("allies", [])])
    home = next(o for o in organisations.values() if o.is_home)

    copies = []
    for n in range(2, scale + 1):
        org = upsert(
            Organisation,
            {"slug": f"demo-opcc-{n}"},
            {
                "name": f"Demo Office of the Police and Crime Commissioner {n}",
                "short_name": f"Demo area {n}",
                "area_name": f"Demo area {n}",
                "kind": Organisation.Kind.OPCC,
            },
        )
        copies.append(org)

    for owner in [home, *copies]:
        upsert_many(
            Acronym,
            [
                ({"organisation": owner, "term": term}, {"meaning": meaning})
                for term, meaning in data["acronyms"].items()
            ],
            existing={(a.organisation, a.term): a for a in Acronym.objects.filter(organisation=owner)},
        )

    periods = data["periods"]
    for year in range(periods["first_year"], periods["last_year"] + 1):
        for quarter in (None, 1, 2, 3, 4):
            ReportingPeriod.objects.get_or_create(start_year=year, quarter=quarter)

    User = get_user_model()
    users = {}
    for row in data["users"]:
        user, created = User.objects.get_or_create(
            username=row["username"],
            defaults={"first_name": row["first_name"], "last_name": row["last_name"]},
        )
        if not usable_passwords and (created or user.check_password(DEMO_PASSWORD)):
            # A published password must not open a real service: an administrator sets one.
            user.set_unusable_password()
        elif created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = row["role"] == Role.ADMINISTRATOR
        user.is_superuser = row["role"] == Role.ADMINISTRATOR
        user.save()
        # The office's staff and its panel hold their roles in the home office; the
        # administrator's role reaches every organisation.
        service_wide = (
            [Group.objects.get_or_create(name=row["role"])[0]] if row["role"] == Role.ADMINISTRATOR else []
        )
        user.groups.set(service_wide)
        if not service_wide:
            upsert(Membership, {"user": user, "organisation": home, "role": row["role"]}, {})
        users[row["username"]] = user
    return DemoContext(
        scale=scale,
        home=home,
        organisations=organisations,
        users=users,
        copies=copies,
        home_sets=scale if home_sets is None else home_sets,
    )


@transaction.atomic
def load_demo(*, scale: int = 1, usable_passwords: bool = True) -> DemoContext:
    """Everything the demo needs, the core first and then each area in order.

    Without usable passwords the demo users exist (their names are in the records and the
    history) but cannot sign in until an administrator sets their passwords."""
    context = load_core(scale=scale, usable_passwords=usable_passwords)
    if context.home_sets > 1:
        context.say(f"The home office has {context.home_sets} sets of its own records, each other office one")
    for area in registry.areas():
        area.load_demo(context)
        context.say(f"Loaded {area.title}")
    publish_demo(context)
    return context


# The quarter the demo publishes: the panel report the demo is built from is dated December 2016.
DEMO_PUBLISHED_QUARTER = (2016, 3)


def publish_demo(context: DemoContext) -> None:
    """Publish the demo quarter for every demo OPCC, once, with its cover report, on a day
    before the panel meeting it goes to: panel members then have a dashboard to read."""
    from assurance.models import CoverReport, Publication
    from assurance.publishing import publication_publish

    spec = dict(read_yaml(Path(__file__).with_name("core.yaml"))["cover_report"])
    published_on = spec.pop("published_on")
    published_at = timezone.make_aware(datetime.datetime.combine(published_on, datetime.time(10)))
    period = context.period(*DEMO_PUBLISHED_QUARTER)
    for organisation in context.owners:
        upsert(
            CoverReport,
            {"organisation": organisation, "period": period},
            spec | {"meeting_name": f"{organisation.area_name} Police and Crime Panel"},
        )
        if Publication.objects.filter(organisation=organisation, period=period).exists():
            continue
        publication_publish(
            organisation=organisation,
            period=period,
            by=context.users["publisher"],
            published_at=published_at,
            warnings_acknowledged=True,
        )
        context.say(f"Published {period.label} for {organisation.short_name}")
