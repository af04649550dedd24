"""The governance dashboard, publishing, and reading what was published."""

from django import forms as django_forms
from django.contrib import messages
from django.core.validators import RegexValidator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from assurance import forms
from assurance.dashboard import default_period, rag_totals, run_checks, take_snapshot, what_changed
from assurance.models import Organisation, Paper, Publication, ReportingPeriod
from assurance.permissions import Access, access, can_edit, can_publish
from assurance.publishing import PublishingBlocked, latest_before, latest_publication, publication_publish
from assurance.scope import Scope, choose_scope
from assurance.tables import DATE_FORMATS
from assurance.tasks import make_paper


def period_from_slug(slug: str) -> ReportingPeriod:
    """The period a published address names (its path, not its query string)."""
    period = ReportingPeriod.objects.from_slug(slug)
    if period is None:
        raise Http404("No such period")
    return period


@access(Access.PUBLISHED)
def home(request):
    """Staff land on the live dashboard; everyone else on the published dashboards."""
    if can_edit(request.user):
        return dashboard(request)
    return publication_list(request)


@access(Access.EDIT)
def dashboard(request):
    """The live governance dashboard of one OPCC's quarter, restricted records included."""
    choice = choose_scope(request, default_period=lambda organisation, periods: default_period(organisation))
    organisation, period = choice.organisation, choice.period
    if organisation is None:
        return render(request, "dashboard/no_organisation.html")
    if period is None:
        return render(request, "dashboard/no_organisation.html", {"no_periods": True})
    scope = Scope(organisation=organisation, period=period, include_restricted=True)
    snapshot = take_snapshot(scope)
    # The baseline the next publication of this quarter would be compared with.
    last = latest_publication(organisation, period) or latest_before(organisation, period)
    # Compared as the next publication would be: restricted records are never published,
    # so they are not "new since the last published dashboard".
    as_published = take_snapshot(Scope(organisation=organisation, period=period)) if last else snapshot
    published = Publication.objects.for_scope(organisation, period).select_related("published_by")
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "organisation": organisation,
            "period": period,
            "snapshot": snapshot,
            "totals": rag_totals(snapshot),
            "last_publication": last,
            "changes": what_changed(last.snapshot if last else None, as_published),
            "no_baseline": last is None,
            "published_versions": published,
            "scope_form": choice.form,
            "can_publish": can_publish(request.user),
        },
    )


AGENDA_ITEM = RegexValidator(r"^[0-9]{1,3}[a-z]?$", "Enter an agenda item number, such as 8 or 8a")


class PublishForm(forms.Form):
    title = django_forms.CharField(max_length=200, initial="Assurance and performance")
    purpose = django_forms.CharField(
        widget=django_forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        initial="To provide members of the panel with the governance dashboard for the quarter: how the "
        "Commissioner holds the Chief Constable to account and how governance works.",
    )
    recommendation = django_forms.CharField(
        widget=django_forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
        initial="Members of the panel are invited to note this report.",
    )
    agenda_item = django_forms.CharField(
        label="Agenda item number",
        max_length=4,
        required=False,
        validators=[AGENDA_ITEM],
        help_text="For example, 8",
    )
    meeting_date = django_forms.DateField(
        label="Panel meeting date",
        required=False,
        help_text="For example, 7/12/2016 or 7 December 2016",
        # Dates as people write them, as an import reads them; shown back in the form suggested.
        input_formats=DATE_FORMATS,
        widget=django_forms.DateInput(format="%d/%m/%Y"),
        error_messages={"invalid": "Enter the date as 7/12/2016 or 7 December 2016"},
    )
    correction_note = django_forms.CharField(
        label="What this correction changes",
        widget=django_forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Shown to readers at the top of the corrected version.",
        error_messages={"required": "Say what this correction changes: the quarter is already published"},
    )
    acknowledge = django_forms.BooleanField(label="I have read the warnings above", required=False)

    def __init__(self, *args, is_correction: bool, has_warnings: bool, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_correction, self.has_warnings = is_correction, has_warnings
        if previous is not None:
            # A correction keeps the cover of the paper it corrects unless the publisher changes it.
            self.initial["title"] = previous.title
            paper = getattr(previous, "paper", None)
            if paper is not None:
                self.initial.update(
                    purpose=paper.purpose,
                    recommendation=paper.recommendation,
                    agenda_item=paper.agenda_item,
                    meeting_date=paper.meeting_date,
                )
        if is_correction:
            self.fields["correction_note"].required = True
        else:
            del self.fields["correction_note"]
        if not has_warnings:
            del self.fields["acknowledge"]

    def clean(self):
        cleaned = super().clean()
        if self.has_warnings and not cleaned.get("acknowledge"):
            self.add_error("acknowledge", "Confirm that you have read the warnings")
        return cleaned


@require_http_methods(["GET", "POST"])
@access(Access.PUBLISH)
def publish(request, organisation: str, period: str):
    """Review the checks for a quarter, then freeze and publish its dashboard."""
    # Dashboards are published per OPCC and per quarter, nothing else.
    org = get_object_or_404(Organisation, slug=organisation, kind=Organisation.Kind.OPCC)
    quarter = period_from_slug(period)
    if quarter.is_year:
        raise Http404("Dashboards are published for a quarter")
    scope = Scope(organisation=org, period=quarter, include_restricted=False)
    findings = run_checks(scope)
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level == "warning"]
    previous = latest_publication(org, quarter)
    form = PublishForm(
        request.POST or None,
        is_correction=previous is not None,
        has_warnings=bool(warnings),
        previous=previous,
    )
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
                    warnings_acknowledged=bool(form.cleaned_data.get("acknowledge")),
                    **{k: v for k, v in form.cleaned_data.items() if k != "acknowledge"},
                )
            except PublishingBlocked as blocked:
                for message in blocked.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"Published: {publication}")
                return redirect(publication)
        status = 400
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
        },
        status=status,
    )


@access(Access.PUBLISHED)
def publication_list(request):
    """Every published dashboard, newest first; corrections listed with their period."""
    publications = Publication.objects.select_related("organisation", "period", "paper").order_by(
        "organisation__name", "-period__start_year", "-period__quarter", "-version"
    )
    return render(request, "dashboard/publication_list.html", {"publications": publications})


def get_publication(organisation: str, period: str, version: int) -> Publication:
    quarter = period_from_slug(period)
    return get_object_or_404(
        Publication.objects.select_related("organisation", "period", "published_by", "paper"),
        organisation__slug=organisation,
        period=quarter,
        version=version,
    )


@access(Access.PUBLISHED)
def publication_detail(request, organisation: str, period: str, version: int):
    """A published dashboard exactly as it was frozen, with each area's appendix."""
    publication = get_publication(organisation, period, version)
    versions = (
        Publication.objects.filter(organisation=publication.organisation, period=publication.period)
        .order_by("version")
        .values("version", "published_at", "correction_note")
    )
    return render(
        request,
        "dashboard/publication_detail.html",
        {
            "publication": publication,
            "snapshot": publication.snapshot,
            "versions": list(versions),
            "paper": getattr(publication, "paper", None),
        },
    )


@access(Access.PUBLISHED)
def publication_pdf(request, organisation: str, period: str, version: int):
    """The stored panel paper, or a page that says it is still being made."""
    publication = get_publication(organisation, period, version)
    paper = getattr(publication, "paper", None)
    if paper is not None and paper.status == Paper.Status.READY and paper.file:
        org, period = publication.organisation.slug, publication.period.slug
        filename = f"panel-paper-{org}-{period}-v{publication.version}.pdf"
        return FileResponse(paper.file.open("rb"), content_type="application/pdf", filename=filename)
    response = render(request, "dashboard/paper_pending.html", {"publication": publication, "paper": paper})
    response["Retry-After"] = "10"
    return response


@require_POST
@access(Access.PUBLISH)
def publication_paper_retry(request, organisation: str, period: str, version: int):
    """Make a failed paper again (the publication itself is untouched)."""
    publication = get_publication(organisation, period, version)
    Paper.objects.filter(publication=publication, status=Paper.Status.FAILED).update(
        status=Paper.Status.PENDING, error=""
    )
    make_paper.enqueue(publication.pk)
    messages.success(request, "The paper is being made again.")
    return redirect(publication)
