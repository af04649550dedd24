from django.urls import path

from risks import views

app_name = "risks"

urlpatterns = [
    path("", views.RiskListView.as_view(), name="list"),
    path("export.<str:fmt>", views.RiskListView.as_view(), name="export"),
    path("heat-map/", views.heat_map, name="heat_map"),
    path("registers/", views.RegisterListView.as_view(), name="registers"),
    path("registers/add/", views.RegisterFormView.as_view(), name="register_create"),
    path("registers/<int:pk>/edit/", views.RegisterFormView.as_view(), name="register_update"),
    path("registers/<int:register_pk>/risks/add/", views.RiskFormView.as_view(), name="create"),
    path("<int:pk>/", views.RiskDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.RiskFormView.as_view(), name="update"),
    path("<int:pk>/close/", views.RiskCloseView.as_view(), name="close"),
    path("<int:risk_pk>/reviews/add/", views.RiskReviewFormView.as_view(), name="review_create"),
    path("reviews/<int:pk>/edit/", views.RiskReviewFormView.as_view(), name="review_update"),
    path("<int:risk_pk>/actions/add/", views.RiskActionFormView.as_view(), name="action_create"),
    path("actions/<int:pk>/edit/", views.RiskActionFormView.as_view(), name="action_update"),
    path("scoring/", views.matrix, name="matrix"),
    path("import/", views.RiskImportView.as_view(), name="import"),
    path("import-templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]
