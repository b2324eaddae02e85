"""Roles are Django groups. Each app declares in its AppConfig which permissions
each role gets (``role_permissions``); ``sync_roles`` applies exactly that."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LENDING_STAFF = "lending_staff", _("Lending desk staff")
    # 生活課's lead (係長): changes the lending rules of the 要綱 (with a date and a
    # reason). Given beside lending_staff by the 管理者, like any staff role.
    LENDING_LEAD = "lending_lead", _("Lending desk lead")
    DX_STAFF = "dx_staff", _("DX office staff")
    VOLUNTEER = "volunteer", _("Digital support volunteer")
    ORG_REPRESENTATIVE = "org_representative", _("Organisation representative")
    KIOSK = "kiosk", _("Return kiosk")
    # 管理者: invites staff, gives and removes roles, deactivates accounts, resets
    # two-factor devices. Not the Django admin site (that stays the system
    # administrator's, through is_staff/is_superuser, which no role ever sets).
    ADMINISTRATOR = "administrator", _("Administrator")


# City staff: they must use two-factor when the setting requires it.
STAFF_ROLES = frozenset({Role.LENDING_STAFF, Role.LENDING_LEAD, Role.DX_STAFF, Role.ADMINISTRATOR})
# What the 管理者 gives and takes away on the staff pages. Volunteers and group
# representatives get their roles through their own flows (approval, membership).
ASSIGNABLE_ROLES = (
    Role.LENDING_STAFF,
    Role.LENDING_LEAD,
    Role.DX_STAFF,
    Role.ADMINISTRATOR,
    Role.KIOSK,
)
# The section (key of the city file's [sections]) whose staff a role is.
ROLE_SECTIONS = {Role.LENDING_STAFF: "lending", Role.LENDING_LEAD: "lending", Role.DX_STAFF: "dx"}


def user_roles(user) -> frozenset[str]:
    """The role names of ``user``, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_tsunagu_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._tsunagu_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_member(user) -> bool:
    """City staff of either section or the 管理者 (not the kiosk, not volunteers)."""
    return has_role(user, *STAFF_ROLES)


def is_kiosk_only(user) -> bool:
    roles = user_roles(user)
    return roles == {Role.KIOSK}


def role_required(*roles: str) -> Callable:
    """View decorator: signed-in users without one of ``roles`` get 403.

    Anonymous users never get here: LoginRequiredMiddleware sends them to sign in.
    The roles stay readable on the view (``required_roles``), so a page that links
    to another (the audit log) can tell whether the viewer may open it.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_roles = frozenset(roles)
        return wrapper

    return decorator


def declared_role_permissions() -> dict[str, set[str]]:
    """Merge every app's ``role_permissions`` into {role: {"app.codename", ...}}."""
    merged: dict[str, set[str]] = {role.value: set() for role in Role}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            merged.setdefault(role, set()).update(perms)
    return merged


def _permissions_by_name(names: Iterable[str]) -> list[Permission]:
    found = []
    for name in sorted(names):
        app_label, codename = name.split(".", 1)
        try:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        except Permission.DoesNotExist as exc:
            raise LookupError(
                f"Role permission {name} does not exist; is its migration applied?"
            ) from exc
    return found


def sync_roles() -> list[str]:
    """Create the role groups and set their permissions exactly as declared. Idempotent."""
    changed = []
    for role, names in declared_role_permissions().items():
        group, created = Group.objects.get_or_create(name=role)
        wanted = _permissions_by_name(names)
        if created or set(group.permissions.all()) != set(wanted):
            group.permissions.set(wanted)
            changed.append(role)
    return changed


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver: run once, after the last app's permissions exist.

    Django sends post_migrate once per app, in INSTALLED_APPS order, and creates
    each app's permissions in its own receiver first; so only the last app's
    signal sees every permission.
    """
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if with_models and sender is with_models[-1]:
        sync_roles()
