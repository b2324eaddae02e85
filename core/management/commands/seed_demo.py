"""Create the demo data and accounts (idempotent). Refused when DEBUG is off.

Core seeds facilities and accounts; then each of our apps that has a ``demo``
module with ``seed()`` adds its own data, in INSTALLED_APPS order.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Load demo data and the demo accounts (password tsunagu-demo). Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a public password; it runs only with DEBUG on."
            )
        # The demo's own notifications (approvals, reminders) would flood the console.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            for config in apps.get_app_configs():
                if config.name not in settings.TSUNAGU_APPS:
                    continue
                module_name = f"{config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                importlib.import_module(module_name).seed(stdout=self.stdout)
            # Every app's demo messages: delivered back then, one bounced; calls stay open.
            from core.demo import settle_outbox

            settle_outbox()
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Password for every demo account: tsunagu-demo")
        )
