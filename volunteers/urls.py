"""Routes of the volunteers app (full paths: this module is mounted at the site root)."""

from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("volunteers/me/", views.me, name="me"),
    path("volunteers/join/", views.join, name="join"),
    path("volunteers/me/edit/", views.profile_edit, name="profile_edit"),
    path("volunteers/<int:pk>/", views.detail, name="detail"),
    path("volunteers/staff/roster/", views.roster, name="roster"),
    path("volunteers/staff/approvals/", views.approvals, name="approvals"),
    path("volunteers/<int:pk>/approve/", views.approve, name="approve"),
    path("volunteers/<int:pk>/status/", views.status_change, name="status_change"),
    path("volunteers/<int:pk>/training/", views.training_add, name="training_add"),
    path("volunteers/<int:pk>/appointments/", views.appointment_add, name="appointment_add"),
    path("volunteers/<int:pk>/notes/", views.note_add, name="note_add"),
]
