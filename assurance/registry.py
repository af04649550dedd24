"""The registry through which the core gathers the areas without importing them.

Each area app registers one `Area` from its AppConfig.ready(). The core (navigation, the
demo data loader, the governance dashboard, publication snapshots and the panel paper)
only ever iterates `areas()`, so adding an area touches only that area.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
    """snapshot(*, scope: Scope) -> JSON-safe dict, restricted records left out when
    scope.include_restricted is False. The same dict feeds the live dashboard, the frozen
    publication and the panel paper, so they cannot disagree."""
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
