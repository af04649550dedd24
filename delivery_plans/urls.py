from django.urls import path

from delivery_plans import views

app_name = "delivery_plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plans"),
    path("plans/add/", views.PlanFormView.as_view(), name="plan_create"),
    path("plans/add-from-file/", views.PlanFromFileView.as_view(), name="plan_from_file"),
    path("plans/<int:pk>/", views.plan_overview, name="plan"),
    path("plans/<int:pk>/edit/", views.PlanFormView.as_view(), name="plan_update"),
    path("plans/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("plans/<int:pk>/measures/", views.measures, name="measures"),
    path("plans/<int:pk>/statuses/", views.statuses, name="statuses"),
    path("plans/<int:pk>/import/", views.PlanImportView.as_view(), name="import"),
    path("plans/<int:plan_pk>/objectives/add/", views.ObjectiveFormView.as_view(), name="objective_create"),
    path("objectives/<int:pk>/edit/", views.ObjectiveFormView.as_view(), name="objective_update"),
    path("objectives/<int:pk>/delete/", views.ObjectiveDeleteView.as_view(), name="objective_delete"),
    path("plans/<int:plan_pk>/statuses/add/", views.DeliveryStatusFormView.as_view(), name="status_create"),
    path("statuses/<int:pk>/edit/", views.DeliveryStatusFormView.as_view(), name="status_update"),
    path("statuses/<int:pk>/delete/", views.DeliveryStatusDeleteView.as_view(), name="status_delete"),
    path("plans/<int:plan_pk>/commitments/add/", views.CommitmentFormView.as_view(), name="create"),
    path("commitments/", views.CommitmentListView.as_view(), name="list"),
    path("commitments/export.<str:fmt>", views.CommitmentListView.as_view(), name="export"),
    path("commitments/<int:pk>/", views.CommitmentDetailView.as_view(), name="detail"),
    path("commitments/<int:pk>/edit/", views.CommitmentFormView.as_view(), name="update"),
    path("commitments/<int:pk>/delete/", views.CommitmentDeleteView.as_view(), name="delete"),
    path(
        "commitments/<int:commitment_pk>/updates/add/",
        views.ProgressUpdateFormView.as_view(),
        name="update_create",
    ),
    path("updates/<int:pk>/edit/", views.ProgressUpdateFormView.as_view(), name="update_update"),
    path("plans/<int:plan_pk>/measures/add/", views.MeasureFormView.as_view(), name="measure_create"),
    path("measures/<int:pk>/edit/", views.MeasureFormView.as_view(), name="measure_update"),
    path("measures/<int:pk>/delete/", views.MeasureDeleteView.as_view(), name="measure_delete"),
    path("measures/<int:measure_pk>/values/add/", views.MeasureValueFormView.as_view(), name="value_create"),
    path("values/<int:pk>/edit/", views.MeasureValueFormView.as_view(), name="value_update"),
    path("values/<int:pk>/delete/", views.MeasureValueDeleteView.as_view(), name="value_delete"),
    path("import-templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]
