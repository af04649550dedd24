from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.TrackerView.as_view(), name="tracker"),
    path("export.<str:fmt>", views.TrackerView.as_view(), name="export"),
    path("timeline/", views.timeline, name="timeline"),
    path("monthly-review/", views.monthly_review, name="monthly_review"),
    path("grades/", views.grades, name="grades"),
    path("monitoring/add/", views.MonitoringPhaseFormView.as_view(), name="phase_create"),
    path("monitoring/<int:pk>/edit/", views.MonitoringPhaseFormView.as_view(), name="phase_update"),
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/add/", views.ReportFormView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportFormView.as_view(), name="report_update"),
    path("reports/<int:pk>/response/", views.ReportResponseView.as_view(), name="response"),
    path("reports/<int:report_pk>/grades/add/", views.PeelGradeFormView.as_view(), name="grade_create"),
    path("grades/<int:pk>/edit/", views.PeelGradeFormView.as_view(), name="grade_update"),
    path("reports/<int:report_pk>/items/add/", views.RecommendationFormView.as_view(), name="create"),
    path("<int:pk>/", views.RecommendationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.RecommendationFormView.as_view(), name="update"),
    path(
        "<int:recommendation_pk>/updates/add/",
        views.RecommendationUpdateFormView.as_view(),
        name="update_create",
    ),
    path("updates/<int:pk>/edit/", views.RecommendationUpdateFormView.as_view(), name="update_update"),
    path(
        "<int:recommendation_pk>/target/revise/",
        views.TargetDateRevisionFormView.as_view(),
        name="revision_create",
    ),
    path("import/", views.RecommendationImportView.as_view(), name="import"),
    path("import-templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("public/", views.public_reports, name="public"),
]
