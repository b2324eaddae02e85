"""Cross-cutting request rules: language, CSP, the kiosk's lock-down, staff two-factor."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from core.roles import is_kiosk_only, is_staff_member

# Paths a staff member without two-factor may still open: setting it up, signing out.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")


class CookieLocaleMiddleware:
    """Japanese unless the visitor chose English with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the
    city wants Japanese first for everyone, and English only on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy of settings on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if policy := getattr(settings, "CONTENT_SECURITY_POLICY", ""):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response


class KioskLockdownMiddleware:
    """A kiosk account opens the kiosk and item links only, and stays signed in one working day."""

    start_pages = ("/", "/dashboard/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_kiosk_only(user):
            if not request.session.get("kiosk_session_set"):
                request.session.set_expiry(settings.TSUNAGU_KIOSK_SESSION_SECONDS)
                request.session["kiosk_session_set"] = True
            if request.path in self.start_pages:
                # After sign-in (and from the site title) a kiosk goes straight to its scan screen.
                return redirect(settings.TSUNAGU_KIOSK_HOME)
            if not request.path.startswith(tuple(settings.TSUNAGU_KIOSK_ALLOWED_PREFIXES)):
                raise PermissionDenied
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """When required by settings, city staff must set up TOTP before any staff page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TSUNAGU_STAFF_MFA_REQUIRED and self._needs_setup(request):
            messages.warning(
                request, _("Staff accounts must use two-step verification. Please set it up first.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_setup(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if not (is_staff_member(user) or user.is_staff):
            return False
        if request.path.startswith(_MFA_EXEMPT_PREFIXES):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
