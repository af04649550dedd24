from django.conf import settings
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assurance import dashboard_views, published_views, views
from assurance.forms import GovukFormMixin
from assurance.permissions import Access


class SignInView(auth_views.LoginView):
    access = Access.ANYONE
    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # LoginView names the site after the request's host; the service has its own name.
        context["site_name"] = settings.SITE_NAME
        return context


class SignOutView(auth_views.LogoutView):
    access = Access.ANYONE


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    access = Access.SIGNED_IN
    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    access = Access.SIGNED_IN
    template_name = "registration/password_change_done.html"


PUBLISHED = "published/<slug:organisation>/<slug:period>/v<int:version>/"
QUARTER = "dashboard/<slug:organisation>/<slug:period>/"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("publish/", dashboard_views.publish_next, name="publish_next"),
    path(QUARTER + "publish/", dashboard_views.publish, name="publish"),
    path(QUARTER + "report/", dashboard_views.CoverReportFormView.as_view(), name="cover_report"),
    path(QUARTER + "preview/", dashboard_views.preview, name="preview"),
    path(QUARTER + "preview/paper.pdf", dashboard_views.preview_paper, name="preview_paper"),
    path("published/", published_views.publication_list, name="publication_list"),
    path(
        "published/<slug:organisation>/feed.atom", published_views.PublicationFeed(), name="publication_feed"
    ),
    path(PUBLISHED, published_views.publication_detail, name="publication_detail"),
    path(PUBLISHED + "paper.pdf", published_views.publication_pdf, name="publication_pdf"),
    path(PUBLISHED + "data.json", published_views.publication_json, name="publication_json"),
    path(PUBLISHED + "data.csv", published_views.publication_csv, name="publication_csv"),
    path(PUBLISHED + "paper/retry/", dashboard_views.publication_paper_retry, name="publication_paper_retry"),
    path(PUBLISHED + "withdraw/", dashboard_views.withdraw, name="publication_withdraw"),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("account/password/", PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("history/<str:model>/<int:pk>/", views.history, name="history"),
    path("changes/", views.recent, name="recent_changes"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/add/", views.OrganisationFormView.as_view(), name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.OrganisationFormView.as_view(), name="organisation_update"),
    path("principles/", include("principles.urls")),
    path("delivery-plan/", include("delivery_plans.urls")),
    path("meetings/", include("meetings.urls")),
    path("risks/", include("risks.urls")),
    path("inspections/", include("inspections.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "assurance.errors.bad_request"
handler403 = "assurance.errors.permission_denied"
handler404 = "assurance.errors.page_not_found"
handler500 = "assurance.errors.server_error"
