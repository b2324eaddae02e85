"""Routes for volunteer sign-ups to classes (part of the outreach namespace)."""

from django.urls import path

from outreach import views_signups as views

urlpatterns: list = [
    path("volunteering/classes/", views.class_list, name="signup_class_list"),
    path("volunteering/classes/<int:pk>/", views.class_detail, name="signup_class_detail"),
    path("volunteering/classes/<int:pk>/signup/", views.signup_create, name="signup_create"),
    path("volunteering/signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("volunteering/mypage/", views.mypage, name="volunteer_mypage"),
    path("volunteering/calendar/reset/", views.calendar_reset, name="signup_calendar_reset"),
    path(
        "volunteering/calendar/<str:token>.ics",
        views.calendar_feed,
        name="signup_calendar_feed",
    ),
    path(
        "volunteering/record/<int:fiscal_year>/",
        views.activity_record,
        name="volunteer_activity_record",
    ),
    path("volunteering/staff/staffing/", views.staffing_list, name="staffing_list"),
    path("volunteering/staff/staffing/<int:pk>/", views.staffing_detail, name="staffing_detail"),
    path(
        "volunteering/staff/staffing/<int:pk>/attendance/",
        views.signup_attendance,
        name="signup_attendance",
    ),
    path(
        "volunteering/staff/volunteers/<int:pk>/",
        views.volunteer_history,
        name="volunteer_history",
    ),
    path("volunteering/staff/hours/", views.volunteer_hours, name="volunteer_hours"),
]
