from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.BodyListView.as_view(), name="list"),
    path("bodies/add/", views.BodyFormView.as_view(), name="create"),
    path("bodies/<int:pk>/", views.BodyDetailView.as_view(), name="detail"),
    path("bodies/<int:pk>/edit/", views.BodyFormView.as_view(), name="update"),
    path("bodies/<int:body_pk>/meetings/add/", views.MeetingFormView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingFormView.as_view(), name="meeting_update"),
    path("meetings/<int:meeting_pk>/items/add/", views.AgendaItemFormView.as_view(), name="item_create"),
    path("meetings/<int:meeting_pk>/items/<int:item_pk>/take-up/", views.item_take_up, name="item_take_up"),
    path("items/<int:pk>/edit/", views.AgendaItemFormView.as_view(), name="item_update"),
    path("items/<int:item_pk>/actions/add/", views.ActionFormView.as_view(), name="action_create"),
    path("actions/", views.ActionListView.as_view(), name="actions"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/edit/", views.ActionFormView.as_view(), name="action_update"),
    path(
        "actions/<int:action_pk>/updates/add/",
        views.ActionUpdateFormView.as_view(),
        name="action_update_create",
    ),
    path("updates/<int:pk>/edit/", views.ActionUpdateFormView.as_view(), name="action_update_update"),
    path("summary/", views.summary, name="summary"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/commitments/", views.CoverageListView.as_view(), name="coverage_list"),
]
