"""System checks: declarations that code elsewhere relies on are right at start-up."""

import inspect
import typing

from django.apps import apps
from django.core import checks
from django.utils.module_loading import import_string


@checks.register()
def kpi_sources_import_and_return_figures(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every ``AppConfig.kpi_sources`` path imports and is annotated to return a ``Figure``."""
    from core.figures import Figure

    problems = []
    for config in apps.get_app_configs():
        for key, path in getattr(config, "kpi_sources", {}).items():
            if not key.startswith(f"{config.label}."):
                problems.append(
                    checks.Error(
                        f"KPI source key {key!r} must start with its app label {config.label!r}.",
                        obj=config.label,
                        id="tsunagu.E002",
                    )
                )
            try:
                selector = import_string(path)
            except ImportError as exc:
                problems.append(
                    checks.Error(
                        f"KPI source {key!r}: {path!r} cannot be imported ({exc}).",
                        hint=f"Fix the path in {config.name}.apps {type(config).__name__}.kpi_sources.",
                        obj=config.label,
                        id="tsunagu.E001",
                    )
                )
                continue
            returns, parameters = None, []
            if inspect.isfunction(selector):  # a module, class or constant is reported below
                try:
                    returns = typing.get_type_hints(selector).get("return")
                except Exception:  # noqa: BLE001 - an unresolvable hint is reported, not raised
                    returns = None
                parameters = list(inspect.signature(selector).parameters)
            if returns is not Figure or not parameters:
                problems.append(
                    checks.Error(
                        f"KPI source {key!r}: {path} must take the fiscal year and be annotated "
                        "'-> Figure'.",
                        obj=config.label,
                        id="tsunagu.E003",
                    )
                )
    return problems


@checks.register()
def audit_actions_are_named_and_labelled(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every declared audit action reads ``<app>.<noun>.<verb>``, fits the log and has a label."""
    from core.audit import ACTION_NAME
    from core.models import AuditEntry

    max_length = AuditEntry._meta.get_field("action").max_length
    problems = []
    for config in apps.get_app_configs():
        for name, label in getattr(config, "audit_actions", {}).items():
            if (
                not ACTION_NAME.match(name)
                or not name.startswith(f"{config.label}.")
                or len(name) > max_length
                or not label
            ):
                problems.append(
                    checks.Error(
                        f"Audit action {name!r} must read '{config.label}.<noun>.<verb>' "
                        f"(at most {max_length} characters) and have a label.",
                        obj=config.label,
                        id="tsunagu.E004",
                    )
                )
    return problems


@checks.register()
def message_templates_exist(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every declared message template ships its subject and body, and every app's
    ``message_section`` is a section of the city file."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist

    from core.messaging import shipped_texts

    problems = []
    for config in apps.get_app_configs():
        section = getattr(config, "message_section", None)
        if section is not None and section not in settings.TSUNAGU["sections"]:
            problems.append(
                checks.Error(
                    f"{config.label}: message_section {section!r} is not a key of the city "
                    "file's [sections].",
                    obj=config.label,
                    id="tsunagu.E005",
                )
            )
        for template in getattr(config, "message_templates", {}):
            try:
                shipped_texts(template, settings.LANGUAGE_CODE)
            except TemplateDoesNotExist:
                problems.append(
                    checks.Error(
                        f"Message template {template!r} needs {template}.subject.txt and "
                        f"{template}.txt.",
                        obj=config.label,
                        id="tsunagu.E006",
                    )
                )
    return problems


@checks.register()
def audit_log_scopes_name_sections_and_apps(
    app_configs=None, **kwargs
) -> list[checks.CheckMessage]:
    """The city file's [audit_log] names sections that have a role, and installed apps."""
    from django.conf import settings

    from core.roles import ROLE_SECTIONS

    sections = set(ROLE_SECTIONS.values())
    labels = {config.label for config in apps.get_app_configs()} | {"*"}
    problems = []
    for section, app_labels in settings.TSUNAGU.get("audit_log", {}).items():
        unknown = [label for label in app_labels if label not in labels]
        if section not in sections or unknown:
            problems.append(
                checks.Error(
                    f"[audit_log] {section} = {app_labels!r}: the key must be one of "
                    f"{sorted(sections)} and each value an app label or '*'.",
                    obj=str(settings.TSUNAGU_CITY_FILE),
                    id="tsunagu.E007",
                )
            )
    return problems


@checks.register()
def email_verified_hooks_import(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every ``AppConfig.email_verified_hooks`` path imports (core.adapters calls them)."""
    problems = []
    for config in apps.get_app_configs():
        for path in getattr(config, "email_verified_hooks", []):
            try:
                import_string(path)
            except ImportError as exc:
                problems.append(
                    checks.Error(
                        f"email_verified_hooks: {path!r} cannot be imported ({exc}).",
                        obj=config.label,
                        id="tsunagu.E008",
                    )
                )
    return problems
