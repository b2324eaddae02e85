from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = _("Equipment lending")
    # Permissions each role gets, applied by `manage.py sync_roles` (see core.roles).
    # Views check roles; these permissions open the matching admin pages.
    role_permissions: dict[str, list[str]] = {
        "lending_staff": [
            f"lending.{action}_{model}"
            for model in ("organisation", "membership", "equipmenttype", "item", "reservation")
            for action in ("view", "add", "change")
        ]
        + ["lending.view_loan", "lending.change_loan", "lending.view_itemday"],
        "dx_staff": ["lending.view_organisation", "lending.view_equipmenttype"],
    }
    nav_items = [
        (_("Lending desk"), "lending:desk", ["lending_staff"]),
        (_("Items"), "lending:item_list", ["lending_staff"]),
        (_("Reservations"), "lending:reservation_list", ["lending_staff"]),
        (_("Organisations"), "lending:organisation_list", ["lending_staff"]),
        (_("My group's reservations"), "lending:my_reservations", ["org_representative"]),
    ]
    public_nav_items = [(_("Equipment availability"), "lending:availability")]
