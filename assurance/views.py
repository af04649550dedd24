"""The shared views: each area's pages are these with a few attributes set."""

from typing import cast

from django.apps import apps
from django.contrib import messages
from django.forms import modelform_factory
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import DeleteView, DetailView, TemplateView, UpdateView
from django_filters.filterset import filterset_factory
from django_filters.views import FilterView

from assurance.filters import FilterSet
from assurance.forms import NARROW_BUTTON, GovukFormMixin, VersionedModelForm
from assurance.history import entries_for_id, recent_changes
from assurance.models import AuditedModel, Organisation
from assurance.permissions import Access, access, history_in_scope_for, in_scope_for
from assurance.scope import ScopedViewMixin
from assurance.tables import FORMATS, ImportResult, TableImport, TableSpec, TableUploadForm, table_response
from assurance.writes import Clash, Links, RecordGone, StaleEdit, record_create, record_delete, record_update

CLASH_MESSAGE = (
    "Someone saved a record that clashes with this one (for example the same date or reference) "
    "while you were filling in the form. Nothing was saved: check and try again."
)


def form_links(form) -> dict[str, list]:
    """The many-to-many links a model form sets, by field name."""
    return {
        f.name: list(form.cleaned_data[f.name])
        for f in form.instance._meta.many_to_many
        if f.name in form.cleaned_data
    }


def parent_url(instance) -> str:
    """The page of the record a new record belongs to (a commitment's plan, an action's item):
    where cancelling an add form goes back to."""
    for model_field in instance._meta.concrete_fields:
        if model_field.many_to_one and model_field.name not in ("owner",):
            parent = getattr(instance, model_field.name, None)
            if parent is not None and hasattr(parent, "get_absolute_url"):
                return parent.get_absolute_url()
    return ""


def warn_if_published(request, record_ref: str, what: str, change: str) -> None:
    """Tell whoever restricts or deletes a record that a current publication still shows it:
    published dashboards never change, so a publisher decides whether to withdraw one."""
    from assurance.publishing import publications_holding

    holding = list(publications_holding(record_ref)[:5])
    if holding:
        names = ", ".join(str(p) for p in holding)
        messages.warning(
            request,
            f"‘{what}’ is {change}, but it appears in {names}, which still shows it. A publisher can "
            "withdraw that version and publish a correction.",
        )


class AccessMixin:
    """Staff pages by default; a view opens itself wider by setting `access`."""

    access = Access.EDIT
    request: HttpRequest

    def in_scope(self, queryset):
        """The records of the queryset this user may reach at this page's level (assurance.permissions)."""
        level = self.access if self.access in (Access.EDIT, Access.PUBLISH) else Access.EDIT
        return in_scope_for(queryset, self.request.user, level)


class RecordInScopeMixin(AccessMixin):
    """A page of one record: another office's record is not found (404), like a missing one."""

    def get_object(self, queryset=None):
        records = queryset if queryset is not None else self.get_queryset()  # type: ignore[attr-defined]
        return super().get_object(self.in_scope(records))  # type: ignore[misc]


class ObjectListView(AccessMixin, FilterView):
    """A filtered, paginated list. Filters come from the area's FilterSet; a list with a
    `table` also downloads, as filtered, from a URL that passes `fmt` ("csv" or "xlsx")."""

    template_name = "assurance/object_list.html"
    paginate_by = 50
    title = ""
    table: TableSpec | None = None
    list_url_name = ""
    """The list's own URL name: where the filters of a refused download lead."""
    export_url_name = ""
    """The URL name of the list's downloads (taking `fmt`)."""

    def get(self, request, *args, **kwargs):
        fmt = kwargs.get("fmt")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if self.table is None or fmt not in FORMATS:
            raise Http404("No such format")
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            # Not a file of everything: the list, with what is wrong with the filters. Its filter
            # form and links then lead to the list, not back to the download.
            request.path = reverse(self.list_url_name)
            return super().get(request, *args, **{k: v for k, v in kwargs.items() if k != "fmt"})
        queryset = filterset.qs if filterset.is_bound else filterset.queryset
        rows = self.table.export_rows(self.export_queryset(queryset))
        return table_response(rows, fmt, self.table.name, sheet=self.table.sheet)

    def export_queryset(self, queryset):
        """What the download writes: the filtered records, with what their columns read."""
        return queryset

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if isinstance(self, ScopedViewMixin):
            kwargs["scope"] = self.scope_choice
        return kwargs

    def render_to_response(self, context, **kwargs):
        # A filter value that is not on offer is an error the user should see, not a silent default.
        filterset = getattr(self, "filterset", None)
        if filterset is not None and filterset.is_bound and not filterset.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title or self.model._meta.verbose_name_plural.capitalize()
        context["model_meta"] = self.model._meta
        if self.table is not None and self.export_url_name:
            query = self.request.GET.urlencode()
            context["downloads"] = [
                (label, reverse(self.export_url_name, args=[fmt]) + (f"?{query}" if query else ""))
                for fmt, label in (("csv", "CSV"), ("xlsx", "Excel"))
            ]
        return context


class ObjectDetailView(RecordInScopeMixin, DetailView):
    template_name = "assurance/object_detail.html"


class ObjectFormView(RecordInScopeMixin, UpdateView):
    """One view for adding and editing, refusing to overwrite a newer version.

    A URL without `pk` adds a record; with `pk` it edits that record.
    """

    template_name = "assurance/object_form.html"
    success_message = "{verbose_name} ‘{object}’ saved"

    @property
    def adding(self) -> bool:
        return self.pk_url_kwarg not in self.kwargs

    def get_object(self, queryset=None):
        return None if self.adding else super().get_object(queryset)

    def get_initial_instance(self):
        """The unsaved record an add form starts from; areas set parents here."""
        return self.model()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.adding:
            kwargs["instance"] = self.get_initial_instance()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["adding"] = self.adding
        context["model_meta"] = self.model._meta
        context["cancel_url"] = self.get_cancel_url(context["form"].instance)
        return context

    def get_cancel_url(self, instance) -> str:
        if self.object is not None:
            return self.object.get_absolute_url()
        return parent_url(instance) or reverse("home")

    def post(self, request, *args, **kwargs):
        if NARROW_BUTTON in request.POST:
            # Another group of a long list's choices was asked for: the form again, as entered.
            self.object = self.get_object()
            form = self.get_form()
            cast(GovukFormMixin, form).as_entered()
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not self.adding and not form.has_changed():
            # Saving what is already there would only add an empty entry to the history.
            messages.info(self.request, "No changes were made.")
            return HttpResponseRedirect(self.get_success_url_for(form.instance))
        try:
            self.object = self.save_record(form, links=form_links(form))
        except StaleEdit as stale:
            return self.stale(form, stale)
        except RecordGone:
            messages.error(
                self.request, "That record was deleted by someone else; your changes were not saved."
            )
            return HttpResponseRedirect(reverse("home"))
        except Clash:
            # The form's own checks passed, so something saved meanwhile clashes with it.
            form.add_error(None, CLASH_MESSAGE)
            return render(self.request, self.template_name, self.get_context_data(form=form), status=409)
        messages.success(
            self.request,
            self.success_message.format(
                verbose_name=self.model._meta.verbose_name.capitalize(), object=self.object
            ),
        )
        if "visibility" in form.changed_data and getattr(self.object, "is_restricted", False):
            warn_if_published(self.request, self.object.record_ref, str(self.object), "now restricted")
        return HttpResponseRedirect(self.get_success_url())

    def save_record(self, form, *, links: Links):
        """Write the form's record through the one write path. An area whose write spans
        several records overrides this to call its service (`<entity>_<action>`)."""
        if self.adding:
            return record_create(instance=form.instance, by=self.request.user, links=links)
        return record_update(
            instance=form.instance,
            loaded_version=form.cleaned_data["loaded_version"],
            by=self.request.user,
            links=links,
        )

    def stale(self, form, stale: StaleEdit):
        """Show the form again, unsaved, with what changed meanwhile and by whom (409)."""
        for entry in stale.newer:
            fields = ", ".join(c.label.lower() for c in entry.changes) or "the record"
            form.add_error(
                None,
                f"{entry.who} changed {fields} on {entry.when:%d %B %Y at %H:%M} after you opened this form. "
                "Your changes were not saved: check the current values, then make your edit again.",
            )
        if not stale.newer:
            form.add_error(
                None,
                "Someone else saved this record after you opened this form. Your changes were not saved.",
            )
        # Offer the current values, so a resubmission is a decision, not an accident.
        current = type(form.instance)._default_manager.get(pk=form.instance.pk)
        context = self.get_context_data(form=form)
        context["current"] = current
        context["conflict"] = stale.newer
        form.data = form.data.copy()
        form.data["loaded_version"] = current.version
        return render(self.request, self.template_name, context, status=409)

    def get_success_url(self):
        return self.get_success_url_for(self.object)

    def get_success_url_for(self, obj) -> str:
        return obj.get_absolute_url()


class ObjectDeleteView(RecordInScopeMixin, DeleteView):
    template_name = "assurance/object_confirm_delete.html"
    success_url_name = "home"

    def get_success_url(self):
        return reverse(self.success_url_name)

    def form_valid(self, form):
        loaded = self.request.POST.get("loaded_version", "")
        name, ref = str(self.object), self.object.record_ref
        try:
            if not loaded.isdigit():
                raise StaleEdit(self.object, [])
            record_delete(instance=self.object, loaded_version=int(loaded), by=self.request.user)
        except StaleEdit as stale:
            # Someone changed it after the confirmation page was shown: they may have made it worth keeping.
            context = self.get_context_data(conflict=stale.newer, stale=True)
            return render(self.request, self.template_name, context, status=409)
        except RecordGone:
            messages.info(self.request, f"‘{name}’ had already been deleted.")
            return HttpResponseRedirect(self.get_success_url())
        except Clash:
            context = self.get_context_data(clash=True)
            return render(self.request, self.template_name, context, status=409)
        messages.success(self.request, f"‘{name}’ deleted. Its history is kept.")
        warn_if_published(self.request, ref, name, "deleted")
        return HttpResponseRedirect(self.get_success_url())


def audited_model_or_404(label: str) -> type[AuditedModel]:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404("No such kind of record") from None
    if not issubclass(model, AuditedModel):
        raise Http404("No history is kept for that kind of record")
    return model


@require_GET
@access(Access.EDIT)
def history(request, model: str, pk: int):
    """Every change to one record: who, when, and each field before and after."""
    model_class = audited_model_or_404(model)
    if not history_in_scope_for(model_class, model_class.history.filter(id=pk), request.user).exists():
        raise Http404("No history for that record")  # none, or another office's
    entries = entries_for_id(model_class, pk)
    current = model_class._default_manager.filter(pk=pk).first()  # None once deleted
    return render(
        request,
        "assurance/object_history.html",
        {
            "object": current or getattr(entries[0].record, "instance", None),
            "deleted": current is None,
            "entries": entries,
            "model_meta": model_class._meta,
        },
    )


@require_GET
@access(Access.EDIT)
def recent(request):
    """The latest changes across the product."""
    return render(
        request, "assurance/recent_changes.html", {"entries": recent_changes(limit=50, user=request.user)}
    )


class OrganisationFormView(ObjectFormView):
    """Administrators add and edit organisations."""

    access = Access.ADMIN
    model = Organisation
    fields = ["name", "short_name", "slug", "kind", "area_name", "is_home", "allies"]

    def get_form_class(self):
        return modelform_factory(Organisation, form=VersionedModelForm, fields=self.fields)


class OrganisationListView(ObjectListView):
    access = Access.ADMIN
    model = Organisation
    template_name = "assurance/organisation_list.html"
    filterset_fields = ["kind"]

    def get_filterset_class(self):
        return filterset_factory(Organisation, filterset=FilterSet, fields=["kind"])


class TableImportView(AccessMixin, TemplateView):
    """Upload a CSV or XLSX file into a record (a plan, a register...): every row is checked
    before any is saved, and every problem is listed by row and column.

    Set `imports` ({kind: (label, TableImport subclass)}); implement `get_parent` and
    `make_import(kind)`; `template_url_name` names the view that serves the template files.
    """

    template_name = "assurance/table_import.html"
    imports: dict[str, tuple[str, type[TableImport]]] = {}
    template_url_name = ""

    def get_parent(self):
        raise NotImplementedError

    def make_import(self, kind: str) -> TableImport:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.parent.get_absolute_url()

    def dispatch(self, request, *args, **kwargs):
        self.parent = self.get_parent()
        return super().dispatch(request, *args, **kwargs)

    def form(self):
        kinds = [(kind, label) for kind, (label, _) in self.imports.items()]
        return TableUploadForm(self.request.POST or None, self.request.FILES or None, kinds=kinds)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form()
        result = None
        if form.is_valid():
            kind = form.cleaned_data.get("kind") or next(iter(self.imports))
            result = self.make_import(kind).run_upload(form.cleaned_data["file"])
            if result.ok:
                messages.success(request, result.summary)
                return HttpResponseRedirect(self.get_success_url())
            form.add_error(
                "file", f"The file was not imported: {len(result.errors)} problem(s) found, listed below"
            )
        context = self.get_context_data(form=form, result=result)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result: ImportResult | None = kwargs.get("result")
        first = next(iter(self.imports.values()))[1]
        context.update(
            parent=self.parent,
            row_errors=result.errors if result else [],
            max_rows=first.limits.max_rows,
            templates=table_templates(self.imports, self.template_url_name),
        )
        return context


def table_templates(imports: dict[str, tuple[str, type[TableImport]]], url_name: str) -> list[dict]:
    """What a page offering imports says of each (includes/table_columns.html): its columns,
    their other names, and its template files."""
    return [
        {
            "label": label,
            "columns": importer.spec.columns,
            "urls": {fmt: reverse(url_name, args=[kind, fmt]) for fmt in FORMATS},
        }
        for kind, (label, importer) in imports.items()
    ]


def table_template(spec: TableSpec, fmt: str):
    """An empty file with the columns an import reads."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    return table_response([spec.template_headers], fmt, f"{spec.name}-template", sheet=spec.sheet)
