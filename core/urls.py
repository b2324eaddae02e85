from django.urls import path

from core import opendata, views
from core.views import messages

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("opendata/facilities.csv", opendata.facilities_csv, name="opendata_facilities"),
    # Messages to people: the outbox, the 連絡リスト, postcards, templates (staff).
    path("messages/", messages.outbox, name="outbox"),
    path("messages/<int:pk>/", messages.message_detail, name="message_detail"),
    path("messages/<int:pk>/retry/", messages.message_retry_view, name="message_retry"),
    path("messages/calls/", messages.call_list, name="call_list"),
    path("messages/calls/<int:pk>/record/", messages.call_record, name="call_record"),
    path("messages/postcards/", messages.postcard_sheet, name="postcard_sheet"),
    path("messages/templates/", messages.message_templates, name="message_templates"),
    path(
        "messages/templates/<str:language>/<path:template>/reset/",
        messages.message_template_reset_view,
        name="message_template_reset",
    ),
    path(
        "messages/templates/<str:language>/<path:template>/",
        messages.message_template_edit,
        name="message_template_edit",
    ),
]
