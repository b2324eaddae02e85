"""allauth adapter: sign-in rate limits see the same client address as ours."""

from allauth.account.adapter import DefaultAccountAdapter

from core.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key for the limiter, not a bind
