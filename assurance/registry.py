"""The registry through which the core gathers the areas without importing them.

Each area app registers one `Area` from its AppConfig.ready(). The core (navigation, the demo
data loader, the governance dashboard, publication snapshots, the panel paper, the panels one
area shows on another's pages, `make bench`) only ever iterates `areas()`, so adding an area
touches only that area. tests/test_area_contract.py holds every registered area to the
contract below: register, and the area is checked.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from assurance.scope import Scope

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from assurance.demo import DemoContext

__all__ = ["Area", "Benchmark", "Finding", "Panel", "Scope", "areas", "get", "panels_for", "register"]


@dataclass(frozen=True)
class Finding:
    """Something wrong or missing, found before publishing. Errors block publishing."""

    level: Literal["error", "warning"]
    message: str
    url: str = ""


@dataclass(frozen=True)
class Panel:
    """A box one area shows on another area's record page, listing its records that point at
    that record (the risks bearing on a commitment, the bodies overseeing it...).

    The page's area knows nothing of the panel: the record page includes
    `{% record_panels object %}`, which asks the registry for every panel on its model.
    """

    on: str
    """The model whose record pages show the panel, as an app label and model name:
    'delivery_plans.commitment'."""
    title: str
    template: str
    """Renders the panel (context: `object`, `records`, `panel`, `request`)."""
    records: Callable[..., "QuerySet"]
    """records(obj, *, user) -> a queryset of the area's records pointing at obj, in the order
    shown. The core narrows it to what the user may read (`Panel.shown`), so no panel can show
    another office's records, nor restricted ones to those who may not see them."""
    order: int = 0
    limit: int | None = None
    """The most records shown (a page that lists the latest few)."""

    def shown(self, obj: "Model", *, user) -> list[Any]:
        """The records the panel shows this user: of the organisations the user works for
        (assurance.permissions.in_scope_for), restricted ones only for those who may see
        them; one query."""
        from assurance.models import VisibilityModel
        from assurance.permissions import in_scope_for

        records = in_scope_for(self.records(obj, user=user), user)
        if issubclass(records.model, VisibilityModel):
            records = records.visible_to(user)
        return list(records[: self.limit] if self.limit else records)


@dataclass(frozen=True)
class Benchmark:
    """A figure `make bench` measures for an area, printed beside its target."""

    name: str
    measure: Callable[[], tuple[str, str, bool]]
    """measure() -> (measured, target, met)."""


class Area:
    """One area of the product (principles, the delivery plan, meetings...): what it adds to
    navigation, the dashboard, publications, the panel paper, demo data and other areas' pages.

    Subclass it in `<area>/area.py` and `register()` an instance. The snapshot is the area's
    whole part of a dashboard as JSON-safe data; it feeds the live dashboard, the frozen
    publication and the panel paper, so they cannot disagree.
    """

    key: ClassVar[str]
    """Short identifier, also the app label: 'principles'."""
    title: ClassVar[str]
    """As shown in navigation and headings: 'Governance principles'."""
    order: ClassVar[int]
    """Position in navigation, on the dashboard and in the panel paper."""
    nav_url: ClassVar[str]
    """URL name of the area's landing page, for editors' navigation."""
    appendix_title: ClassVar[str] = ""
    section_template: ClassVar[str] = ""
    """Renders the dashboard section from a snapshot (context: `data`, `scope_label`, `pdf`, and
    `with_appendix`, true where the area's appendix follows, as in the paper and a publication:
    the section then gives the summary and leaves the lists to the appendix, saying nothing twice)."""
    appendix_template: ClassVar[str] = ""
    """Renders the area's full appendix from a snapshot (context: `data`, `scope_label`, `pdf`)."""
    glossary_template: ClassVar[str] = ""
    """Renders the area's part of the paper's glossary from a snapshot (context: `data`), e.g.
    the oversight bodies the other appendices name."""
    schema_version: ClassVar[int] = 1
    """The shape of the snapshot. Publications keep the version they were made with, so the
    templates can read an older shape after the area changes (see `templates_for`)."""

    @property
    def reports_to_dashboard(self) -> bool:
        return bool(self.section_template or self.appendix_template)

    def snapshot(self, scope: Scope) -> dict[str, Any]:
        """The area's dashboard data for a scope: JSON-safe (str, int, float, bool, None, list,
        dict; dates as ISO strings), restricted records left out unless
        scope.include_restricted, in a fixed number of queries whatever the data size.

        It holds at least "items": [{"key": "commitment:1.1", "label": "1.1 ...", "rag": "amber",
        "status": "open"}, ...], every rated or tracked item, for "what changed" ("rag" and
        "status" may be "" where they do not apply). A restricted record's item says
        "restricted": true, so that the staff dashboard can compare the items as they would be
        published without taking a second snapshot (see `assurance.dashboard.as_published`)."""
        return {"items": []}

    def checks(self, scope: Scope) -> list[Finding]:
        """What is wrong or missing before the scope's dashboard is published."""
        return []

    def load_demo(self, context: "DemoContext") -> None:
        """Load the area's demo data for every organisation in context.owners; idempotent:
        a second run changes nothing and adds no history."""

    def panels(self) -> list[Panel]:
        return []

    def benchmarks(self) -> list[Benchmark]:
        return []

    def bench_pages(self, scope: Scope) -> list[tuple[str, str]]:
        """(name, address) of the area's list, dashboard and form pages for a scope, which
        `make bench` times at two data sizes: their time is held to grow at most 1.5×."""
        return []

    def templates_for(self, schema_version: int) -> tuple[str, str]:
        """The section and appendix templates that read a snapshot of this shape."""
        return self.section_template, self.appendix_template

    def __repr__(self) -> str:
        return f"<Area {self.key}>"


_areas: dict[str, Area] = {}


def form_pages(
    noun: str,
    record: Any,
    *,
    edit: str,
    add: str,
    add_args: Callable[[Any], list[Any]],
    detail: str = "",
) -> list[tuple[str, str]]:
    """The page of `record` (the URL name `detail`, when it has one of its own), its edit form
    and the add form of another like it (`add_args(record)` name where it is added), as
    Area.bench_pages lists them; none when the office holds no such record."""
    from django.urls import reverse

    if record is None:
        return []
    return [
        *([(f"Page of {noun}", reverse(detail, args=[record.pk]))] if detail else []),
        (f"Edit {noun} (form)", reverse(edit, args=[record.pk])),
        (f"Add {noun} (form)", reverse(add, args=add_args(record))),
    ]


def register(area: Area) -> None:
    _areas[area.key] = area


def areas() -> list[Area]:
    return sorted(_areas.values(), key=lambda area: area.order)


def get(key: str) -> Area | None:
    return _areas.get(key)


def panels_for(obj: "Model") -> list[Panel]:
    """Every panel other areas show on this record's page, in order."""
    label = obj._meta.label_lower
    found = [panel for area in areas() for panel in area.panels() if panel.on == label]
    return sorted(found, key=lambda panel: panel.order)
