"""allauth adapter: our client address for its rate limits, and what follows a verified address."""

from allauth.account.adapter import DefaultAccountAdapter
from django.apps import apps
from django.utils.module_loading import import_string

from core.ratelimit import client_ip


def email_verified_hooks() -> list:
    """Every app's ``AppConfig.email_verified_hooks``, imported, in INSTALLED_APPS order."""
    return [
        import_string(path)
        for config in apps.get_app_configs()
        for path in getattr(config, "email_verified_hooks", [])
    ]


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key for the limiter, not a bind

    def confirm_email(self, request, email_address) -> bool:
        """allauth marks the address verified; then invitations waiting for it are accepted.

        Every way allauth verifies an address (the link in its mail, a code) passes here.
        """
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            for hook in email_verified_hooks():
                hook(user=email_address.user, email=email_address.email)
        return confirmed
