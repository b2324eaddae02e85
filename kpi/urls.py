"""Routes of the kpi app (full paths: this module is mounted at the site root)."""

from django.urls import path

from . import views

app_name = "kpi"

urlpatterns = [
    # Public report (no sign-in).
    path("kpi/", views.public_report, name="public_report"),
    path("kpi/<int:fiscal_year>/", views.public_year, name="public_year"),
    path("kpi/<int:fiscal_year>.csv", views.public_csv, name="public_csv"),
    path("kpi/<int:fiscal_year>.json", views.public_json, name="public_json"),
    path(
        "kpi/<int:fiscal_year>/<slug:code>/<int:year>/",
        views.public_facts,
        name="public_facts",
    ),
    # 総務課.
    path("kpi/staff/", views.sheet_index, name="sheet_index"),
    path("kpi/staff/dashboard/", views.dashboard, name="dashboard"),
    path("kpi/staff/<int:fiscal_year>/", views.sheet_page, name="sheet"),
    path("kpi/staff/<int:fiscal_year>/print/", views.sheet_print, name="sheet_print"),
    path("kpi/staff/<int:fiscal_year>.xlsx", views.sheet_xlsx, name="sheet_xlsx"),
    path("kpi/staff/<int:fiscal_year>/close/", views.year_close, name="year_close"),
    path("kpi/staff/<int:fiscal_year>/reopen/", views.year_reopen, name="year_reopen"),
    path(
        "kpi/staff/<int:fiscal_year>/<slug:code>/comment/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "kpi/staff/<int:fiscal_year>/<slug:code>/<int:year>/",
        views.facts,
        name="facts",
    ),
    path(
        "kpi/staff/<int:fiscal_year>/<slug:code>/<int:year>/manual/",
        views.manual_edit,
        name="manual_edit",
    ),
    path("kpi/staff/review/", views.review_index, name="review_index"),
    path("kpi/staff/review/<int:fiscal_year>/", views.review_page, name="review"),
    path(
        "kpi/staff/review/<int:fiscal_year>/measures/<slug:code>/",
        views.check_edit,
        name="check_edit",
    ),
    path("kpi/staff/review/<int:fiscal_year>/filled/", views.review_filled, name="review_filled"),
    path("kpi/staff/review/<int:fiscal_year>/board/", views.review_board, name="review_board"),
    path(
        "kpi/staff/review/<int:fiscal_year>/publish/", views.review_publish, name="review_publish"
    ),
    path("kpi/staff/kpis/", views.kpi_list, name="kpi_list"),
    path("kpi/staff/kpis/<int:pk>/", views.kpi_edit, name="kpi_edit"),
    path(
        "kpi/staff/periods/<int:pk>/version-up/",
        views.period_version_up,
        name="period_version_up",
    ),
    path("kpi/staff/incidents/", views.incident_list, name="incident_list"),
    path("kpi/staff/incidents/new/", views.incident_create, name="incident_create"),
    path(
        "kpi/staff/incidents/analysis/",
        views.incident_analysis_page,
        name="incident_analysis",
    ),
    path("kpi/staff/incidents/<int:pk>/", views.incident_edit, name="incident_edit"),
]
