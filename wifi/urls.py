"""Routes of the wifi app (full paths: this module is mounted at the site root)."""

from django.urls import path

from wifi import views

app_name = "wifi"

urlpatterns = [
    path("wifi/", views.dashboard, name="dashboard"),
    path("wifi/machines/", views.machine_list, name="machine_list"),
    path("wifi/machines/new/", views.machine_create, name="machine_create"),
    path("wifi/machines/<int:pk>/", views.machine_detail, name="machine_detail"),
    path("wifi/machines/<int:pk>/edit/", views.machine_edit, name="machine_edit"),
    path("wifi/machines/<int:pk>/status/", views.machine_status, name="machine_status"),
    path("wifi/machines/<int:pk>/usage/new/", views.usage_create, name="usage_create"),
    path(
        "wifi/machines/<int:pk>/inspections/new/",
        views.inspection_create,
        name="inspection_create",
    ),
    path(
        "wifi/machines/<int:pk>/activations/new/",
        views.activation_create,
        name="activation_create",
    ),
    path("wifi/usage/", views.usage_list, name="usage_list"),
    path("wifi/usage/import/", views.usage_import, name="usage_import"),
    path("wifi/analysis/", views.analysis, name="analysis"),
    path("wifi/spots/", views.spots, name="spots"),
    path("opendata/wifi.csv", views.opendata_csv, name="opendata_csv"),
]
