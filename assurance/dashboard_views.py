"""The live governance dashboard, the cover report, previews, publishing and withdrawing."""

from typing import cast

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assurance import forms
from assurance.dashboard import (
    as_published,
    default_period,
    rag_totals,
    run_checks,
    take_snapshot,
    what_changed,
)
from assurance.kept import LIVE_SECONDS, kept, kept_page, newest_ids, page_with, records_version
from assurance.models import CoverReport, Organisation, Paper, Publication, ReportingPeriod
from assurance.permissions import Access, access, can_edit, can_publish
from assurance.publishing import (
    PublishingBlocked,
    cover_report_draft,
    gone_since_published,
    latest_before,
    latest_publication,
    publication_publish,
    publication_withdraw,
    would_be_publication,
)
from assurance.scope import Scope, choose_scope, offered_organisations
from assurance.summaries import first_items
from assurance.tables import DATE_FORMATS
from assurance.views import ObjectFormView
from assurance.writes import Links, record_create


def period_from_slug(slug: str) -> ReportingPeriod:
    """The period an address names (in its path, not its query string)."""
    period = ReportingPeriod.objects.from_slug(slug)
    if period is None:
        raise Http404("No such period")
    return period


def opcc_quarter(
    request, organisation: str, period: str, level=Access.PUBLISH
) -> tuple[Organisation, ReportingPeriod]:
    """Dashboards are kept, and published, per OPCC and per quarter: nothing else. Another
    office's is not found."""
    org = get_object_or_404(offered_organisations(request.user, level), slug=organisation)
    quarter = period_from_slug(period)
    if quarter.is_year:
        raise Http404("Dashboards are published for a quarter")
    return org, quarter


@access(Access.PUBLISHED)
def home(request):
    """Staff land on the live dashboard; everyone else on the published dashboards."""
    if can_edit(request.user):
        return dashboard(request)
    from assurance.published_views import publication_list

    return publication_list(request)


@access(Access.EDIT)
def dashboard(request):
    """The live governance dashboard of one OPCC's quarter, restricted records included."""
    publisher = can_publish(request.user)
    # Made again whenever a record changes, a publication is made or the day turns (what is
    # overdue depends on it); otherwise one cache read. The page reads nothing of its query
    # but the organisation and period asked for.
    asked = [request.GET.get(name, "").strip() for name in ("organisation", "period")]
    newest = newest_ids()
    key = f"{publisher}:{timezone.localdate()}:{records_version(newest)}"
    return kept_page(
        request,
        f"dashboard:{asked}:{key}",
        lambda: _dashboard_page(request, publisher, key, newest),
        seconds=LIVE_SECONDS,
    )


def _dashboard_page(request, publisher: bool, key: str, newest: dict[str, int]) -> HttpResponse:
    choice = choose_scope(
        request,
        default_period=default_period,
    )
    organisation, period = choice.organisation, choice.period
    if organisation is None:
        return render(request, "dashboard/no_organisation.html")
    if period is None:
        return render(request, "dashboard/no_organisation.html", {"no_periods": True})
    content = kept(
        f"live:{organisation.pk}:{period.pk}:{key}",
        lambda: render_to_string(
            "dashboard/live_content.html",
            live_dashboard(organisation, period, publisher, newest=newest),
            request=request,
        ),
        seconds=LIVE_SECONDS,
    )
    return page_with(
        request,
        "dashboard/dashboard.html",
        {"organisation": organisation, "period": period, "scope_form": choice.form},
        content,
    )


def live_dashboard(
    organisation: Organisation,
    period: ReportingPeriod,
    publisher: bool,
    *,
    newest: dict[str, int] | None = None,
) -> dict:
    """What the live dashboard shows, from one snapshot of the quarter with its restricted
    records: every area's counts and exceptions, and what changed since the last publication.
    With `newest`, the areas whose records are unchanged are not read again (take_snapshot)."""
    scope = Scope(organisation=organisation, period=period, include_restricted=True)
    snapshot = take_snapshot(scope, newest=newest)
    published = list(  # newest first (Publication.Meta.ordering)
        Publication.objects.for_scope(organisation, period)
        .select_related("organisation", "period", "published_by", "withdrawal")
        .defer("snapshot", "changes")
    )
    # The baseline the next publication of this quarter would be compared with.
    last = published[0] if published else latest_before(organisation, period)
    # Compared as the next publication would be: restricted records are never published,
    # so they are not "new since the last published dashboard".
    published_items = as_published(snapshot)
    current = next((p for p in published if p.withdrawn is None), None)
    changes = what_changed(last.items if last else None, published_items)
    return {
        "organisation": organisation,
        "period": period,
        "snapshot": snapshot,
        "summarise": True,
        "totals": rag_totals(snapshot),
        "last_publication": last,
        "changes": first_items(changes),
        "no_baseline": last is None,
        "published_versions": published,
        # The page says how many, not which: the withdraw page names them.
        "gone_since_published": gone_since_published(current, with_records=False) if current else [],
        "current_publication": current,
        "can_publish": publisher,
    }


class CoverReportForm(forms.VersionedModelForm):
    class Meta:
        model = CoverReport
        fields = [
            "title",
            "meeting_name",
            "meeting_date",
            "agenda_item",
            "report_of",
            "purpose",
            "background",
            "key_points",
            "financial_implications",
            "legal_implications",
            "risk_implications",
            "equality_implications",
            "recommendation",
            "contact_name",
            "contact_role",
            "contact_email",
            "background_papers",
        ]
        widgets = {
            "meeting_date": django_forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: django_forms.Textarea(attrs={"rows": rows})
                for name, rows in (
                    ("purpose", 3),
                    ("background", 6),
                    ("key_points", 6),
                    ("recommendation", 2),
                    ("background_papers", 3),
                    *((name, 2) for name, _ in CoverReport.IMPLICATIONS),
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The date picker sends ISO dates; typed into a browser without one, a date is read as
        # people write it, as an import reads it (7/12/2016, 7 December 2016).
        meeting_date = cast(django_forms.DateField, self.fields["meeting_date"])
        meeting_date.input_formats = DATE_FORMATS
        meeting_date.help_text = "For example, 7/12/2016"
        meeting_date.error_messages["invalid"] = "Enter the date as 7/12/2016 or 7 December 2016"


class CoverReportFormView(ObjectFormView):
    """The cover report of a quarter's paper, as the office writes it before publishing: the
    first time, started from the report of the previous publication."""

    model = CoverReport
    form_class = CoverReportForm
    template_name = "dashboard/cover_report_form.html"
    success_message = "Cover report saved"

    def dispatch(self, request, *args, **kwargs):
        self.organisation, self.period = opcc_quarter(
            request, kwargs["organisation"], kwargs["period"], Access.EDIT
        )
        self.draft, self.draft_reason = cover_report_draft(organisation=self.organisation, period=self.period)
        return super().dispatch(request, *args, **kwargs)

    @property
    def adding(self) -> bool:
        return self.draft.pk is None

    def get_object(self, queryset=None):
        return None if self.adding else self.draft

    def get_initial_instance(self):
        return self.draft

    def save_record(self, form, *, links: Links):
        if self.adding:
            return record_create(
                instance=form.instance, by=self.request.user, links=links, reason=self.draft_reason
            )
        return super().save_record(form, links=links)

    def get_success_url(self):
        return publish_url(self.organisation, self.period)

    def get_cancel_url(self, instance) -> str:
        return publish_url(self.organisation, self.period)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"organisation": self.organisation, "period": self.period}


def publish_url(organisation: Organisation, period: ReportingPeriod) -> str:
    from django.urls import reverse

    return reverse("publish", args=[organisation.slug, period.slug])


class PublishForm(forms.Form):
    correction_note = django_forms.CharField(
        label="What this correction changes",
        widget=django_forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Shown to readers at the top of the corrected version.",
        error_messages={"required": "Say what this correction changes: the quarter is already published"},
    )
    acknowledge = django_forms.BooleanField(label="I have read the warnings above", required=False)

    def __init__(self, *args, is_correction: bool, has_warnings: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_warnings = has_warnings
        if is_correction:
            self.fields["correction_note"].required = True
        else:
            del self.fields["correction_note"]
        if not has_warnings:
            del self.fields["acknowledge"]

    def clean(self):
        cleaned = super().clean() or {}
        if self.has_warnings and not cleaned.get("acknowledge"):
            self.add_error("acknowledge", "Confirm that you have read the warnings")
        return cleaned


@require_http_methods(["GET", "POST"])
@access(Access.PUBLISH)
def publish(request, organisation: str, period: str):
    """Review the checks and the cover report of a quarter, preview it, then publish it. The
    answer comes at once: the paper is made in the background."""
    org, quarter = opcc_quarter(request, organisation, period)
    findings = run_checks(Scope(organisation=org, period=quarter, include_restricted=False))
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level == "warning"]
    previous = latest_publication(org, quarter)
    data = request.POST if request.method == "POST" else None
    form = PublishForm(data, is_correction=previous is not None, has_warnings=bool(warnings))
    status = 200
    if request.method == "POST":
        if errors:
            form.add_error(None, "Put right the errors listed below before publishing")
        if form.is_valid():
            try:
                publication = publication_publish(
                    organisation=org,
                    period=quarter,
                    by=request.user,
                    correction_note=form.cleaned_data.get("correction_note", ""),
                    warnings_acknowledged=bool(form.cleaned_data.get("acknowledge")),
                )
            except PublishingBlocked as blocked:
                for message in blocked.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"Published: {publication}. The panel paper is being made.")
                return redirect(publication)
        status = 400
    report, _ = cover_report_draft(organisation=org, period=quarter)
    return render(
        request,
        "dashboard/publish.html",
        {
            "organisation": org,
            "period": quarter,
            "errors": errors,
            "warnings": warnings,
            "form": form,
            "previous": previous,
            "report": report.frozen(),
            "report_saved": report.pk is not None,
        },
        status=status,
    )


@require_GET
@access(Access.PUBLISH)
def publish_next(request):
    """The quarter being prepared, for the publisher's one-click way to publishing from any page."""
    choice = choose_scope(
        request,
        level=Access.PUBLISH,
        default_period=default_period,
    )
    if choice.organisation is None or choice.period is None:
        return redirect("dashboard")
    return redirect(publish_url(choice.organisation, choice.period))


@require_GET
@access(Access.PUBLISH)
def preview(request, organisation: str, period: str):
    """The publication exactly as publishing now would make it, marked as a preview."""
    org, quarter = opcc_quarter(request, organisation, period)
    publication = would_be_publication(organisation=org, period=quarter, by=request.user)
    from assurance.published_views import publication_context

    context = publication_context(publication, preview=True)
    return render(request, "dashboard/publication_detail.html", context)


@require_GET
@access(Access.PUBLISH)
def preview_paper(request, organisation: str, period: str):
    """The panel paper publishing now would make, marked as a preview on every page."""
    from assurance.paper import render_paper

    org, quarter = opcc_quarter(request, organisation, period)
    publication = would_be_publication(organisation=org, period=quarter, by=request.user)
    pdf = render_paper(Paper(publication=publication), preview=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{org.slug}-{quarter.slug}.pdf"'
    return response


class WithdrawForm(forms.Form):
    reason = django_forms.CharField(
        label="Why it is withdrawn",
        widget=django_forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Readers see this in place of the version, with a link to the current one.",
        error_messages={"required": "Say why the version is withdrawn: readers are told"},
    )


@require_http_methods(["GET", "POST"])
@access(Access.PUBLISH)
def withdraw(request, organisation: str, period: str, version: int):
    """Withdraw a published version: the panel and the public no longer read it; staff keep it."""
    from assurance.published_views import get_publication

    publication = get_publication(organisation, period, version)
    opcc_quarter(request, organisation, period)  # another office's publications are not withdrawn here
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if publication.withdrawn is not None:
        messages.info(request, f"{publication} was withdrawn already.")
        return redirect(publication)
    if request.method == "POST" and form.is_valid():
        try:
            publication_withdraw(publication=publication, by=request.user, reason=form.cleaned_data["reason"])
        except PublishingBlocked as blocked:
            for message in blocked.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, f"{publication} is withdrawn. Publish a corrected version for the panel to read."
            )
            return redirect(publish_url(publication.organisation, publication.period))
    return render(
        request,
        "dashboard/withdraw.html",
        {"publication": publication, "form": form, "gone": gone_since_published(publication)},
        status=400 if form.errors else 200,
    )


@require_POST
@access(Access.PUBLISH)
def publication_paper_retry(request, organisation: str, period: str, version: int):
    """Make a failed paper again (the publication itself is untouched)."""
    from assurance.published_views import get_publication
    from assurance.tasks import make_paper

    publication = get_publication(organisation, period, version)
    opcc_quarter(request, organisation, period)
    Paper.objects.filter(publication=publication, status=Paper.Status.FAILED).update(
        status=Paper.Status.PENDING, error=""
    )
    make_paper.enqueue(publication.pk)
    messages.success(request, "The paper is being made again.")
    return redirect(publication)
