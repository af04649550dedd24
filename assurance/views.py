"""The shared views: each area's pages are these with a few attributes set."""

from django.apps import apps
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import DeleteView, DetailView, UpdateView
from django_filters.filterset import filterset_factory
from django_filters.views import FilterView

from assurance.filters import FilterSet
from assurance.forms import VersionedModelForm
from assurance.history import changes_since, entries_for_id, many_to_many_change_reason, recent_changes
from assurance.models import AuditedModel, Organisation
from assurance.permissions import Access, access
from assurance.services import RecordGone, StaleEdit, save_versioned


class AccessMixin:
    """Staff pages by default; a view opens itself wider by setting `access`."""

    access = Access.EDIT


class ObjectListView(AccessMixin, FilterView):
    """A filtered, paginated list. Filters come from the area's FilterSet."""

    template_name = "assurance/object_list.html"
    paginate_by = 50
    title = ""

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
        return context


class ObjectDetailView(AccessMixin, DetailView):
    template_name = "assurance/object_detail.html"


class ObjectFormView(AccessMixin, UpdateView):
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
        context["cancel_url"] = self.get_cancel_url()
        return context

    def get_cancel_url(self) -> str:
        if self.object is not None:
            return self.object.get_absolute_url()
        return self.request.META.get("HTTP_REFERER", "") or reverse("home")

    def form_valid(self, form):
        if not self.adding and not form.has_changed():
            # Saving what is already there would only add an empty entry to the history.
            messages.info(self.request, "No changes were made.")
            return HttpResponseRedirect(self.get_success_url_for(form.instance))
        # Links (many-to-many) are not columns of the history record: say how they changed.
        form.instance._change_reason = many_to_many_change_reason(form) or None
        if self.adding:
            try:
                with transaction.atomic():
                    self.object = form.save()
            except IntegrityError:
                # The form's own checks passed, so someone saved a clashing record meanwhile.
                form.add_error(
                    None,
                    "Someone saved a record that clashes with this one (for example the same date or "
                    "reference) while you were filling in the form. Nothing was saved: check and try again.",
                )
                return render(self.request, self.template_name, self.get_context_data(form=form), status=409)
        else:
            try:
                save_versioned(
                    instance=form.instance,
                    loaded_version=form.cleaned_data["loaded_version"],
                    save=form.save,
                )
            except StaleEdit as stale:
                return self.stale(form, stale)
            except RecordGone:
                messages.error(
                    self.request, "That record was deleted by someone else; your changes were not saved."
                )
                return HttpResponseRedirect(reverse("home"))
            self.object = form.instance
        messages.success(
            self.request,
            self.success_message.format(
                verbose_name=self.model._meta.verbose_name.capitalize(), object=self.object
            ),
        )
        return HttpResponseRedirect(self.get_success_url())

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


class ObjectDeleteView(AccessMixin, DeleteView):
    template_name = "assurance/object_confirm_delete.html"
    success_url_name = "home"

    def get_success_url(self):
        return reverse(self.success_url_name)

    def form_valid(self, form):
        loaded = self.request.POST.get("loaded_version", "")
        if isinstance(self.object, AuditedModel) and loaded != str(self.object.version):
            # Someone changed it after the confirmation page was shown: they may have made it worth keeping.
            newer = changes_since(self.object, int(loaded)) if loaded.isdigit() else []
            context = self.get_context_data(conflict=newer, stale=True)
            return render(self.request, self.template_name, context, status=409)
        name = str(self.object)
        response = super().form_valid(form)
        messages.success(self.request, f"‘{name}’ deleted. Its history is kept.")
        return response


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
    entries = entries_for_id(model_class, pk)
    if not entries:
        raise Http404("No history for that record")
    current = model_class._default_manager.filter(pk=pk).first()  # None once deleted
    return render(
        request,
        "assurance/object_history.html",
        {
            "object": current or entries[0].record.instance,
            "deleted": current is None,
            "entries": entries,
            "model_meta": model_class._meta,
        },
    )


@require_GET
@access(Access.EDIT)
def recent(request):
    """The latest changes across the product."""
    return render(request, "assurance/recent_changes.html", {"entries": recent_changes(limit=50)})


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
