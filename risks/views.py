"""Staff pages of the risk registers: the register with its filters and downloads, the heat
map, a risk with its score history, reviews, controls and links, the forms to add, edit,
review and close a risk, an organisation's risk matrix, and import."""

import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from assurance.models import Organisation
from assurance.permissions import Access, access, can_see_restricted, in_scope_or_404
from assurance.rows import short_date, url_of_each
from assurance.scope import ScopedViewMixin, choose_organisation_or_404, choose_scope, offered_organisations
from assurance.views import (
    AccessMixin,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TableImportView,
    table_template,
)
from assurance.writes import Links, StaleEdit
from risks import selectors, services, tables
from risks.filters import CURRENT, RiskFilter
from risks.forms import (
    RiskActionForm,
    RiskCloseForm,
    RiskForm,
    RiskMatrixForm,
    RiskRegisterForm,
    RiskReviewForm,
)
from risks.models import Risk, RiskAction, RiskMatrix, RiskRegister, RiskReview


class RegisterListView(ScopedViewMixin, AccessMixin, ListView):
    """The registers an organisation keeps or shares, with how many risks each holds."""

    model = RiskRegister
    template_name = "risks/register_list.html"
    scope_period = None

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        if organisation is None:
            return RiskRegister.objects.none()
        visible = Q() if can_see_restricted(self.request.user) else Q(risks__visibility="public")
        return (
            RiskRegister.objects.for_organisation(organisation)
            .select_related("owner")
            .prefetch_related("organisations")
            .annotate(
                risk_count=Count("risks", filter=visible & ~Q(risks__status=Risk.Status.CLOSED)),
            )
            .order_by("owner__name", "order", "name")
        )


class RegisterFormView(ObjectFormView):
    model = RiskRegister
    form_class = RiskRegisterForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "owner" in form.fields:
            # An office keeps its own registers; the offices sharing one may be any office's.
            form.fields["owner"].queryset = offered_organisations(self.request.user)
        return form

    def get_success_url_for(self, obj) -> str:
        return reverse("risks:registers") + "?" + urlencode({"organisation": obj.owner.slug})


class RiskListView(ScopedViewMixin, ObjectListView):
    """The risk register of an organisation: every risk of the registers it keeps or shares,
    filtered in the database, highest residual score first; downloads as CSV or Excel."""

    model = Risk
    filterset_class = RiskFilter
    template_name = "risks/risk_list.html"
    title = "Risk register"
    scope_period = None
    table = tables.RISKS
    list_url_name = "risks:list"
    export_url_name = "risks:export"

    def get_queryset(self):
        organisation = self.scope_choice.organisation
        if organisation is None:
            return Risk.objects.none()
        risks = selectors.register_risks(organisation, user=self.request.user)
        return selectors.with_latest_review(risks.by_residual_score()).select_related(
            "register__owner", "category"
        )

    def export_queryset(self, queryset):
        return queryset.prefetch_related(*selectors.prefetch_links())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = datetime.date.today()
        # What each row links to and the dates it shows, made once for the page (assurance.rows).
        risk_url = url_of_each("risks:detail")
        for risk in context["object_list"]:
            risk.url = risk_url(risk.pk)
            risk.last_reviewed_on = short_date(risk.last_reviewed)
            risk.next_review_on = short_date(risk.next_review_due, "Not set")
            risk.closed_on_day = short_date(risk.closed_on)
        choice = self.scope_choice
        if choice.organisation is not None:
            context["heat_map_url"] = reverse("risks:heat_map") + f"?{choice.query}"
            context["registers"] = selectors.registers_of(choice.organisation)
        return context


GRID_FILTERS = ("residual_likelihood", "residual_impact", "inherent_likelihood", "inherent_impact")


@require_GET
@access(Access.EDIT)
def heat_map(request):
    """Residual and inherent scores as grids of counts, each cell linking to the register
    filtered to it; filtered as the register is (by default: open and tolerated risks)."""
    choice = choose_scope(request, period=None)
    organisation = choice.organisation
    data = request.GET.copy()
    if not data.get("status"):
        data["status"] = CURRENT
    for name in (*GRID_FILTERS, "page"):
        data.pop(name, None)
    base = selectors.register_risks(organisation, user=request.user) if organisation else Risk.objects.none()
    filterset = RiskFilter(data, queryset=base, request=request, scope=choice)
    for name in GRID_FILTERS:
        # The grid is laid out by these: each cell's link sets them.
        del filterset.filters[name]
    context = {
        "scope_form": choice.form,
        "organisation": organisation,
        "filter": filterset,
        "scope_hidden": choice.hidden_fields(),
        "scope_query": choice.query,
    }
    if not filterset.is_valid():
        return render(request, "risks/heat_map.html", context, status=400)
    if organisation is None:
        return render(request, "risks/heat_map.html", context)
    matrix = RiskMatrix.objects.of(organisation)
    grids = []
    for kind, title in (
        ("residual", "Residual scores (with controls)"),
        ("inherent", "Inherent scores (before controls)"),
    ):
        likelihood, impact = f"{kind}_likelihood", f"{kind}_impact"

        def cell_url(l_: int, i: int, likelihood=likelihood, impact=impact) -> str:
            query = data.copy()
            query[likelihood], query[impact] = str(l_), str(i)
            return reverse("risks:list") + "?" + query.urlencode()

        counts = selectors.grid_counts(filterset.qs, likelihood, impact)
        grids.append(
            {
                "kind": kind,
                "title": title,
                "grid": selectors.heat_map_grid(counts, matrix=matrix, url=cell_url),
            }
        )
    context |= {"grids": grids, "list_url": reverse("risks:list") + "?" + data.urlencode(), "matrix": matrix}
    return render(request, "risks/heat_map.html", context)


class RiskDetailView(ObjectDetailView):
    """A risk: its scores and rating, score history, controls, actions, reviews and links."""

    model = Risk
    template_name = "risks/risk_detail.html"

    def get_queryset(self):
        return Risk.objects.visible_to(self.request.user).select_related("register__owner", "category")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context |= selectors.risk_page(self.object)
        context["today"] = datetime.date.today()
        return context


class RiskFormView(ObjectFormView):
    model = Risk
    form_class = RiskForm
    template_name = "risks/risk_form.html"

    def get_queryset(self):
        return Risk.objects.visible_to(self.request.user).select_related("register__owner")

    def get_initial_instance(self):
        register = in_scope_or_404(
            RiskRegister.objects.select_related("owner"), self.request.user, pk=self.kwargs["register_pk"]
        )
        return Risk(register=register)


class RiskCloseView(ObjectFormView):
    """Close a risk with the date and a closing note."""

    model = Risk
    form_class = RiskCloseForm
    template_name = "risks/risk_close.html"
    success_message = "Risk ‘{object}’ closed"

    def get_queryset(self):
        return Risk.objects.visible_to(self.request.user).select_related("register__owner")


class RiskChildFormView(ObjectFormView):
    """A record belonging to a risk (a review, a control or an action)."""

    def get_queryset(self):
        visible = Risk.objects.visible_to(self.request.user).values("pk")
        return self.model._default_manager.filter(risk__in=visible).select_related("risk__register__owner")

    def parent_risk(self) -> Risk:
        return in_scope_or_404(
            Risk.objects.visible_to(self.request.user).select_related("register__owner"),
            self.request.user,
            pk=self.kwargs["risk_pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["risk"] = context["form"].instance.risk
        return context


class RiskReviewFormView(RiskChildFormView):
    """Record a review (or correct the latest): the risk's RAG, Direction of Travel and next
    review date follow."""

    model = RiskReview
    form_class = RiskReviewForm
    template_name = "risks/review_form.html"
    success_message = "Review recorded: {object}"

    def get_object(self, queryset=None):
        review = super().get_object(queryset)
        if review is not None:
            latest = review.risk.reviews.order_by("-date", "-pk").first()
            if latest.pk != review.pk:
                # Earlier reviews are the record of what was found then; only the latest is corrected.
                raise Http404("Only a risk's latest review can be corrected")
        return review

    def get_initial_instance(self):
        return RiskReview(risk=self.parent_risk())

    def save_record(self, form, *, links: Links):
        return services.risk_review_record(
            review=form.instance,
            by=self.request.user,
            loaded_version=None if self.adding else form.cleaned_data["loaded_version"],
        )

    def get_success_url_for(self, obj) -> str:
        return obj.risk.get_absolute_url()


class RiskActionFormView(RiskChildFormView):
    model = RiskAction
    form_class = RiskActionForm

    def get_initial_instance(self):
        kind = self.request.GET.get("kind")
        action = RiskAction(risk=self.parent_risk())
        if kind in RiskAction.Kind.values:
            action.kind = kind
        return action


@require_http_methods(["GET", "POST"])
@access(Access.ADMIN)
def matrix(request):
    """An organisation's risk matrix: its size, score bands and review frequencies. Saving
    re-rates every open risk of the registers it keeps."""
    choice = choose_organisation_or_404(request)
    organisation = choice.organisation
    current = RiskMatrix.objects.of(organisation)
    form = RiskMatrixForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = services.risk_matrix_save(
                    matrix=form.instance,
                    bands=form.bands,
                    by=request.user,
                    loaded_version=form.cleaned_data.get("loaded_version"),
                )
            except services.MatrixRefused as refused:
                form.add_error("size", str(refused))
            except StaleEdit as stale:
                form.add_error(
                    None,
                    f"{', '.join(e.who for e in stale.newer) or 'Someone else'} changed the matrix "
                    "after you opened this page. Nothing was saved: check the values below and save again.",
                )
                form = RiskMatrixForm(instance=RiskMatrix.objects.of(organisation))
                status = 409
            else:
                messages.success(
                    request,
                    f"Risk matrix saved; {changed} open risk{'s' if changed != 1 else ''} changed rating",
                )
                return HttpResponseRedirect(reverse("risks:matrix") + f"?{choice.query}")
    return render(
        request,
        "risks/matrix_form.html",
        {"form": form, "organisation": organisation, "scope_form": choice.form, "matrix": current},
        status=status,
    )


class RegisterSet:
    """An organisation's registers as the import's parent: what the page is about and where
    it leads back to."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation

    def __str__(self) -> str:
        return f"Risk registers of {self.organisation.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("risks:list") + "?" + urlencode({"organisation": self.organisation.slug})


class RiskImportView(TableImportView):
    """Upload a CSV or XLSX of risks into an organisation's registers; rows name their register."""

    imports = {"risks": ("Risks", tables.RiskImport)}
    template_url_name = "risks:import_template"

    def get_parent(self):
        return RegisterSet(choose_organisation_or_404(self.request).organisation)

    def make_import(self, kind: str):
        return tables.RiskImport(organisation=self.parent.organisation, by=self.request.user)


@require_GET
@access(Access.EDIT)
def import_template(request, kind: str, fmt: str):
    if kind != "risks":
        raise Http404("No such template")
    return table_template(tables.RISKS, fmt)
