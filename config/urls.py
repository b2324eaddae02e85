"""Top-level routes. Each app's urls.py owns its full paths (/lending/, /kiosk/, /t/...)."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

# The admin signs in through allauth like every other page, so two-factor
# authentication and allauth's sign-in rate limits hold there too; Django's own
# admin form would take the password alone.
admin.site.login = secure_admin_login(admin.site.login)

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
