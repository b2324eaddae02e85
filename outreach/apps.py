from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_CLASS_MODELS = ("course", "series", "classsession", "application", "attendance")


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Classes and outreach")
    # 総務課 plans and runs the classes (also through the admin site for courses).
    role_permissions: dict[str, list[str]] = {
        "dx_staff": [
            f"outreach.{action}_{model}"
            for model in _CLASS_MODELS
            for action in ("view", "add", "change")
        ],
    }
    nav_items: list = [
        (_("Classes"), "outreach:session_list", ["dx_staff"]),
        (_("Class analysis"), "outreach:analysis", ["dx_staff"]),
    ]
    public_nav_items: list = [
        (_("Smartphone classes"), "outreach:public_classes"),
    ]
