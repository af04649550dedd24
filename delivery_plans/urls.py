from django.urls import path

from delivery_plans import views

app_name = "delivery_plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plans"),
    path("plans/<int:pk>/", views.plan_overview, name="plan"),
    path("plans/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("plans/<int:pk>/measures/", views.measures, name="measures"),
    path("plans/<int:pk>/import/", views.PlanImportView.as_view(), name="import"),
    path("plans/<int:plan_pk>/commitments/add/", views.CommitmentFormView.as_view(), name="create"),
    path("commitments/", views.CommitmentListView.as_view(), name="list"),
    path("commitments/export.<str:fmt>", views.CommitmentListView.as_view(), name="export"),
    path("commitments/<int:pk>/", views.CommitmentDetailView.as_view(), name="detail"),
    path("commitments/<int:pk>/edit/", views.CommitmentFormView.as_view(), name="update"),
    path(
        "commitments/<int:commitment_pk>/updates/add/",
        views.ProgressUpdateFormView.as_view(),
        name="update_create",
    ),
    path("updates/<int:pk>/edit/", views.ProgressUpdateFormView.as_view(), name="update_update"),
    path("import-templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]
