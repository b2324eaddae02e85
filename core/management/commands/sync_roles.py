"""Create the role groups and give them exactly the permissions the apps declare."""

from django.core.management.base import BaseCommand

from core.roles import sync_roles


class Command(BaseCommand):
    help = "Create role groups and set their permissions (idempotent; also runs after migrate)."

    def handle(self, *args, **options):
        changed = sync_roles()
        self.stdout.write(
            f"Roles updated: {', '.join(changed)}" if changed else "Roles already up to date."
        )
