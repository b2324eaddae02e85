from django.urls import path

from core import opendata, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("opendata/facilities.csv", opendata.facilities_csv, name="opendata_facilities"),
]
