"""Choosing what a page shows: one organisation and one reporting period (a quarter, or a
financial year), read from the query string as `?organisation=<slug>&period=<slug>`.

Every page that shows an organisation's quarter or year reads its scope here, so every page
has the same URL format, the same defaults and the same written 400 error for a value that is
not on offer (see `BadScope`). An absent or empty value means "the page's default"; any other
value must be one of the choices, never quietly swapped for the default.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.http import urlencode

from assurance.forms import Form
from assurance.models import Organisation, ReportingPeriod
from assurance.permissions import Access, organisations_for

if TYPE_CHECKING:
    from django.db.models import QuerySet

PeriodKind = Literal["quarter", "year"]
# How much of a submitted value an error message repeats: enough to recognise, never a page of it.
SHOWN_VALUE_LENGTH = 40


@dataclass(frozen=True)
class Scope:
    """One organisation's quarter (or year): what a dashboard, a page or a publication covers.

    `include_restricted` is True only for OPCC staff; a publication and its paper are always
    made with it False.
    """

    organisation: Organisation
    period: ReportingPeriod
    include_restricted: bool = False
    as_at: datetime.date | None = None
    """The day statuses are read at: a publication's date (never after its meeting); today
    for the live dashboard."""

    @property
    def status_date(self) -> datetime.date:
        """The day a quarter's statuses (actions open, reviews overdue...) are given at: the
        quarter's last day, or `as_at` when that is earlier (a quarter still running, or
        published before it ends)."""
        return min(self.period.end_date, self.as_at or timezone.localdate())

    @property
    def year(self) -> int:
        """The financial year, by its start year, for areas reported yearly."""
        return self.period.start_year

    @property
    def query(self) -> str:
        """The query string that names this scope on any page."""
        return scope_query(self.organisation, self.period)

    def as_published(self) -> "Scope":
        return replace(self, include_restricted=False)


def scope_query(organisation: Organisation | None, period: ReportingPeriod | None) -> str:
    values = {}
    if organisation is not None:
        values["organisation"] = organisation.slug
    if period is not None:
        values["period"] = period.slug
    return urlencode(values)


def shown(value: str) -> str:
    """A submitted value as an error message may repeat it: printable, and not too long."""
    text = "".join(ch if ch.isprintable() else "?" for ch in value)
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[: SHOWN_VALUE_LENGTH - 1] + "…"


class ScopeChoiceField(forms.ChoiceField):
    """A choice whose error repeats the refused value safely (see `shown`)."""

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(required=False, **kwargs)

    def validate(self, value):
        if value and not self.valid_value(value):
            raise forms.ValidationError(
                f"Choose {self.what} from the list; ‘{shown(value)}’ is not one of them.",
                code="invalid_choice",
            )


class ScopeForm(Form):
    """The organisation and period a page shows: an ordinary GET form, so choosing works
    without JavaScript and writes nothing."""

    organisation = ScopeChoiceField(what="an organisation", label="Organisation")
    period = ScopeChoiceField(what="a quarter", label="Quarter")

    def __init__(
        self,
        data=None,
        *,
        organisations: Iterable[Organisation] | None,
        periods: Iterable[ReportingPeriod] | None,
        kind: PeriodKind = "quarter",
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
            self.organisations: dict[str, Organisation] = {}
        else:
            self.organisations = {o.slug: o for o in organisations}
            self._field("organisation").choices = [(o.slug, o.name) for o in self.organisations.values()]
        if periods is None:
            del self.fields["period"]
            self.periods: dict[str, ReportingPeriod] = {}
        else:
            self.periods = {p.slug: p for p in periods}
            field = self._field("period")
            field.choices = [(p.slug, p.label) for p in self.periods.values()]
            if kind == "year":
                field.label, field.what = "Financial year", "a financial year"

    def _field(self, name: str) -> ScopeChoiceField:
        field = self.fields[name]
        if not isinstance(field, ScopeChoiceField):
            raise TypeError(f"{name} is not a scope choice")
        return field


class BadScope(Exception):
    """The query string names an organisation or period that is not on offer.

    Raised from any view; `assurance.errors.ScopeErrorMiddleware` answers it with the written
    400 page, which lists what is wrong and offers the choices again.
    """

    def __init__(self, form: ScopeForm):
        self.form = form
        super().__init__("; ".join(message for _, message in form.errors_in_order()))


@dataclass
class ScopeChoice:
    """What a page was asked to show, defaults filled in, with the form to choose again."""

    organisation: Organisation | None
    period: ReportingPeriod | None
    form: ScopeForm

    def scope(self, *, include_restricted: bool = False) -> Scope:
        if self.organisation is None or self.period is None:
            raise ValueError("The page has no organisation or period to show")
        return Scope(self.organisation, self.period, include_restricted)

    @property
    def query(self) -> str:
        """The query string naming what the page chose (not what its record decided)."""
        return urlencode(self.hidden_fields())

    def hidden_fields(self) -> list[tuple[str, str]]:
        fields = []
        if self.organisation is not None and "organisation" in self.form.fields:
            fields.append(("organisation", self.organisation.slug))
        if self.period is not None and "period" in self.form.fields:
            fields.append(("period", self.period.slug))
        return fields


DefaultPeriod = Callable[[Organisation | None, list[ReportingPeriod]], ReportingPeriod | None]


def latest_by_today(organisation: Organisation | None, periods: list[ReportingPeriod]):
    """The default period of most pages: the one containing today, else the latest before it."""
    today = timezone.localdate()
    earlier = [p for p in periods if p.start_date <= today]
    return max(earlier, key=lambda p: p.start_date, default=None) or (periods[-1] if periods else None)


def offered_organisations(user=None, level: Access = Access.EDIT) -> "QuerySet[Organisation]":
    """The organisations a page may be scoped to: the OPCCs where the user's roles reach the
    page's level (any OPCC for published pages when the office publishes openly), home first."""
    organisations = Organisation.objects.filter(kind=Organisation.Kind.OPCC)
    if user is None or (level is Access.PUBLISHED and settings.PUBLISH_PUBLICLY):
        return organisations
    allowed = organisations_for(user, level)
    return organisations if allowed is None else organisations.filter(pk__in=allowed)


def offered_periods(kind: PeriodKind) -> "QuerySet[ReportingPeriod]":
    periods = ReportingPeriod.objects.quarters() if kind == "quarter" else ReportingPeriod.objects.years()
    return periods.order_by("start_year", "quarter")


def choose_scope(
    request: HttpRequest,
    *,
    period: PeriodKind | None = "quarter",
    organisation: Organisation | None | Literal[True] = True,
    organisations: Iterable[Organisation] | None = None,
    periods: Iterable[ReportingPeriod] | None = None,
    default_period: DefaultPeriod = latest_by_today,
    level: Access = Access.EDIT,
) -> ScopeChoice:
    """The organisation and period asked for in `request.GET`, defaults filled in.

    `organisation=True` lets the page choose among `organisations` (the OPCCs by default; the
    home OPCC when none is asked for); pass an organisation when the page's record decides
    it (a plan, a body). `period` is the kind of period the page shows, or None when it shows
    no period. Only organisations where the user's roles reach `level` are offered. Raises
    BadScope for a value that is not one of the choices.
    """
    chooses_organisation = organisation is True
    organisation_list = (
        list(organisations if organisations is not None else offered_organisations(request.user, level))
        if chooses_organisation
        else None
    )
    period_list = (
        list(periods if periods is not None else offered_periods(period)) if period is not None else None
    )
    asked = {
        name: request.GET.get(name, "").strip()
        for name in ("organisation", "period")
        if request.GET.get(name, "").strip()
    }
    newest_first = period_list[::-1] if period_list is not None else None
    form = ScopeForm(asked, organisations=organisation_list, periods=newest_first, kind=period or "quarter")
    if not form.is_valid():
        raise BadScope(form)
    chosen_organisation: Organisation | None
    if chooses_organisation:
        chosen_organisation = form.organisations.get(asked.get("organisation", ""))
        if chosen_organisation is None and organisation_list:
            home = next((o for o in organisation_list if o.is_home), None)
            chosen_organisation = home or organisation_list[0]
    else:
        chosen_organisation = organisation if isinstance(organisation, Organisation) else None
    chosen_period = None
    if period_list is not None:
        chosen_period = form.periods.get(asked.get("period", "")) or default_period(
            chosen_organisation, period_list
        )
    # The form the page shows to choose again, set to what is shown.
    shown_form = ScopeForm(
        organisations=organisation_list,
        periods=newest_first,
        kind=period or "quarter",
        initial={
            "organisation": chosen_organisation.slug if chosen_organisation else "",
            "period": chosen_period.slug if chosen_period else "",
        },
    )
    return ScopeChoice(chosen_organisation, chosen_period, shown_form)


def choose_organisation_or_404(request: HttpRequest, *, level: Access = Access.EDIT) -> ScopeChoice:
    """The organisation a page about one office's records (its registers, its reports) is
    asked for, among those the user's roles reach `level`; 404 when there is none to show."""
    choice = choose_scope(request, period=None, level=level)
    if choice.organisation is None:
        raise Http404("No organisation")
    return choice


class ScopedViewMixin:
    """For class-based views: `self.scope_choice` is the page's organisation and period.

    Set `scope_period` ("quarter", "year" or None); override `scope_periods()` or
    `scope_default_period()` where the page offers fewer periods or has its own default.
    """

    scope_period: PeriodKind | None = "quarter"
    request: HttpRequest
    access: Access = Access.EDIT

    def scope_organisation(self) -> Organisation | None | Literal[True]:
        return True

    def scope_periods(self, organisation: Organisation | None) -> Iterable[ReportingPeriod] | None:
        return None

    def scope_default_period(
        self, organisation: Organisation | None, periods: list[ReportingPeriod]
    ) -> ReportingPeriod | None:
        return latest_by_today(organisation, periods)

    @property
    def scope_choice(self) -> ScopeChoice:
        if not hasattr(self, "_scope_choice"):
            organisation = self.scope_organisation()
            self._scope_choice = choose_scope(
                self.request,
                period=self.scope_period,
                organisation=organisation,
                periods=self.scope_periods(organisation if organisation is not True else None),
                default_period=self.scope_default_period,
                level=self.access
                if self.access in (Access.EDIT, Access.PUBLISH, Access.PUBLISHED)
                else Access.EDIT,
            )
        return self._scope_choice

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        choice = self.scope_choice
        context.update(
            organisation=choice.organisation,
            period=choice.period,
            scope_form=choice.form,
            scope_query=choice.query,
            # Other forms of the page (its filters) carry the scope along.
            scope_hidden=choice.hidden_fields(),
        )
        return context
