"""The registry through which the core gathers the areas without importing them.

Each area app registers one `Area` from its AppConfig.ready(). The core (navigation, the
demo data loader, the governance dashboard, publication snapshots and the panel paper)
only ever iterates `areas()`, so adding an area touches only that area.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from assurance.models import Organisation, ReportingPeriod


@dataclass(frozen=True)
class Scope:
    """What a dashboard, a publication or a paper covers: one OPCC's quarter.

    Areas reported yearly (the principles assessment) use `period.start_year`.
    `include_restricted` is True only for the live dashboard shown to OPCC staff; a
    publication and its paper are always built with it False.
    """

    organisation: "Organisation"
    period: "ReportingPeriod"
    include_restricted: bool = False


@dataclass(frozen=True)
class Finding:
    """Something wrong or missing, found before publishing. Errors block publishing."""

    level: Literal["error", "warning"]
    message: str
    url: str = ""


@dataclass(frozen=True)
class Area:
    key: str
    """Short identifier, also the app label: 'principles'."""
    title: str
    """As shown in navigation and headings: 'Governance principles'."""
    order: int
    """Position in navigation, on the dashboard and in the panel paper."""
    nav_url: str
    """URL name of the area's landing page, for editors' navigation."""
    load_demo: Callable[..., None] | None = None
    """load_demo(*, context: DemoContext) -> None; must be idempotent."""
    snapshot: Callable[..., dict[str, Any]] | None = None
    """snapshot(*, scope: Scope) -> a JSON-safe dict (str, int, float, bool, None, list, dict;
    dates as ISO strings), restricted records left out unless scope.include_restricted.
    The same dict feeds the live dashboard, the frozen publication and the panel paper, so
    they cannot disagree. It must run a fixed number of queries, whatever the data size.
    It holds at least:
      "items": [{"key": "commitment:1.1", "label": "1.1 ...", "rag": "amber",
                 "status": "open"}, ...]  every rated or tracked item, for "what changed"
                 ("rag" and "status" may be "" where they do not apply);
    and whatever the area's section and appendix templates read."""
    section_template: str = ""
    """Renders the dashboard section from the snapshot dict (context: `data`, `scope`)."""
    appendix_template: str = ""
    """Renders the area's full appendix from the snapshot dict (context: `data`, `pdf`)."""
    appendix_title: str = ""
    checks: Callable[..., list] | None = None
    """checks(*, scope: Scope) -> list[assurance.publishing.Finding] before publishing."""
    extra: dict[str, Any] = field(default_factory=dict)


_areas: dict[str, Area] = {}


def register(area: Area) -> None:
    _areas[area.key] = area


def areas() -> list[Area]:
    return sorted(_areas.values(), key=lambda area: area.order)


def get(key: str) -> Area | None:
    return _areas.get(key)
