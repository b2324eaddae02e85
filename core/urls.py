from django.urls import path

from core import opendata, views
from core.views import accounts, audit, facilities, messages

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
    # The 管理者: staff accounts and invitations.
    path("staff/accounts/", accounts.account_list, name="account_list"),
    path("staff/accounts/<int:pk>/", accounts.account_detail, name="account_detail"),
    path("staff/accounts/<int:pk>/roles/", accounts.account_roles, name="account_roles"),
    path(
        "staff/accounts/<int:pk>/deactivate/",
        accounts.account_deactivate,
        name="account_deactivate",
    ),
    path(
        "staff/accounts/<int:pk>/reactivate/",
        accounts.account_reactivate,
        name="account_reactivate",
    ),
    path(
        "staff/accounts/<int:pk>/two-factor-reset/",
        accounts.account_two_factor_reset,
        name="account_two_factor_reset",
    ),
    path("staff/invitations/", accounts.invitation_list, name="invitation_list"),
    path("staff/invitations/new/", accounts.invitation_new, name="invitation_new"),
    path(
        "staff/invitations/<int:pk>/resend/",
        accounts.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "staff/invitations/<int:pk>/cancel/",
        accounts.invitation_cancel,
        name="invitation_cancel",
    ),
    # The link in the invitation mail (no sign-in: the invitee has no account yet).
    path("invitation/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    # Staff of each section: the audit log (each section sees its own entries).
    path("staff/audit/", audit.audit_log, name="audit_log"),
    # 総務課: public facilities.
    path("staff/facilities/", facilities.facility_list, name="facility_list"),
    path("staff/facilities/new/", facilities.facility_edit, name="facility_new"),
    path("staff/facilities/<int:pk>/", facilities.facility_edit, name="facility_edit"),
    path(
        "staff/facilities/<int:pk>/retire/",
        facilities.facility_retire,
        name="facility_retire",
    ),
    path(
        "staff/facilities/<int:pk>/reinstate/",
        facilities.facility_reinstate,
        name="facility_reinstate",
    ),
]
