from django.urls import path

from principles import views

app_name = "principles"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="list"),
    path("framework/<slug:slug>/", views.FrameworkView.as_view(), name="framework"),
    path("principle/<int:pk>/", views.PrincipleView.as_view(), name="principle"),
    path("assessments/add/", views.AssessmentFormView.as_view(), name="create"),
    path("assessments/<int:pk>/", views.AssessmentView.as_view(), name="detail"),
    path("assessments/<int:pk>/edit/", views.AssessmentFormView.as_view(), name="update"),
    path("assessments/<int:pk>/delete/", views.AssessmentDeleteView.as_view(), name="delete"),
    path(
        "assessments/<int:assessment>/evidence/add/",
        views.EvidenceFormView.as_view(),
        name="evidence_create",
    ),
    path("evidence/<int:pk>/edit/", views.EvidenceFormView.as_view(), name="evidence_update"),
    path("evidence/<int:pk>/delete/", views.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path("start-next-year/", views.start_next_year, name="start_next_year"),
    path("issues/", views.IssuesView.as_view(), name="issues"),
    path("issues.csv", views.IssuesDownloadView.as_view(), name="issues_csv"),
]
