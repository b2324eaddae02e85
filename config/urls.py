"""Top-level routes. Each app's urls.py owns its full paths (/lending/, /kiosk/, /t/...)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("core.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("lending.urls")),
    path("", include("volunteers.urls")),
    path("", include("outreach.urls")),
    path("", include("wifi.urls")),
    path("", include("kpi.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
