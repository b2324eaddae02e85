"""One house: every app keeps the same layout and the same way of doing each shared job.

These tests read the source, so a new module that strays from the conventions fails
the suite instead of waiting for a reviewer to notice.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from core.refusals import Refusal

BASE = Path(settings.BASE_DIR)
APPS = settings.TSUNAGU_APPS
# Exceptions a service may raise besides a Refusal: arguments no form can produce, i.e.
# programming errors. No view catches them, so they surface as a 500 and a log entry.
PROGRAMMING_ERRORS = {"ValueError", "TypeError", "LookupError"}
# The only exceptions a view may catch besides Refusal, and why.
VIEW_EXCEPTIONS_ALLOWED = {
    # /healthz: any database failure means "not healthy" (503), by definition.
    ("core/views/__init__.py", "Exception"),
    # Previewing a template text staff are writing: their syntax errors are shown to them.
    ("core/views/messages.py", "TemplateDoesNotExist"),
    ("core/views/messages.py", "TemplateSyntaxError"),
    # A KPI whose source cannot be computed shows the reason in its cell.
    ("kpi/views/common.py", "SourceUnavailable"),
    # A kiosk parts-check ticket that is forged, from another session or too old: "expired".
    ("lending/views/kiosk.py", "BadSignature"),
}
SIBLING_MODULE = re.compile(r"^(views|services|selectors|forms|tables|filters|urls|demo)_\w+\.py$")
TOPIC_SUFFIX = re.compile(r"^\w+_(signups|urls|services|views)\.py$")


def _python_files(app: str) -> list[Path]:
    return [p for p in (BASE / app).rglob("*.py") if "migrations" not in p.parts]


def _modules_of_kind(app: str, kind: str) -> list[Path]:
    """``<app>/<kind>.py`` or every module of the ``<app>/<kind>/`` package."""
    return [
        p for p in _python_files(app) if p.relative_to(BASE / app).parts[0] in {kind, f"{kind}.py"}
    ]


def _refusal_names() -> set[str]:
    """Refusal and every subclass defined in our apps (by class name)."""
    names = {"Refusal"}
    for app in APPS:
        for path in _python_files(app):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef):
                    bases = {ast.unparse(base).split(".")[-1] for base in node.bases}
                    if bases & names:
                        names.add(node.name)
    return names


def _returns_refusal(tree: ast.Module, function: str, refusals: set[str]) -> bool:
    """A helper such as ``_conflict(...)`` that builds the Refusal a service raises."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function and node.returns:
            return ast.unparse(node.returns).split(".")[-1] in refusals
    return False


@pytest.mark.parametrize("app", APPS)
def test_no_app_has_sibling_modules_of_one_kind(app):
    strays = [
        str(p.relative_to(BASE))
        for p in (BASE / app).glob("*.py")
        if SIBLING_MODULE.match(p.name) or TOPIC_SUFFIX.match(p.name) or p.name.startswith("kiosk_")
    ]
    assert strays == [], "use a package with one module per topic (views/kiosk.py)"


def test_no_comment_speaks_of_branches():
    mentions = []
    for app in [*APPS, "config", "templates", "static"]:
        for path in (BASE / app).rglob("*"):
            if (
                path.suffix in {".py", ".html", ".js", ".css", ".txt"}
                and "migrations" not in path.parts
            ):
                text = path.read_text(encoding="utf-8", errors="replace")
                if re.search(r"\b(the|this|that|\w+) branch\b", text, re.IGNORECASE):
                    mentions.append(str(path.relative_to(BASE)))
    assert mentions == []


@pytest.mark.parametrize("app", APPS)
def test_services_refuse_only_with_a_refusal(app):
    """Every refused action a service raises is a Refusal; anything else is a bug."""
    refusals = _refusal_names()
    wrong = []
    for path in _modules_of_kind(app, "services"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Raise) or node.exc is None:
                continue
            called = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = ast.unparse(called).split(".")[-1]
            if name in refusals or name in PROGRAMMING_ERRORS:
                continue
            if _returns_refusal(tree, name, refusals):
                continue
            wrong.append(f"{path.relative_to(BASE)}:{node.lineno} raises {name}")
    assert wrong == []


@pytest.mark.parametrize("app", APPS)
def test_views_catch_refusals_and_nothing_that_would_hide_a_bug(app):
    wrong = []
    for path in _modules_of_kind(app, "views"):
        relative = str(path.relative_to(BASE))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ExceptHandler):
                continue
            caught = node.type
            names = (
                [ast.unparse(e).split(".")[-1] for e in caught.elts]
                if isinstance(caught, ast.Tuple)
                else [ast.unparse(caught).split(".")[-1] if caught else "bare except"]
            )
            for name in names:
                if name.endswith("Refusal") or name == "ReservationConflict":
                    continue
                if (relative, name) not in VIEW_EXCEPTIONS_ALLOWED:
                    wrong.append(f"{relative}:{node.lineno} catches {name}")
    assert wrong == []


@pytest.mark.parametrize("app", APPS)
def test_nothing_sends_mail_but_the_outbox(app):
    senders = []
    for path in _python_files(app):
        if path.relative_to(BASE).as_posix() in {"core/channels.py", "core/delivery.py"}:
            continue
        text = path.read_text()
        if re.search(
            r"\bsend_mail\(|\bsend_mass_mail\(|EmailMessage\(|\.send\(fail_silently", text
        ):
            senders.append(str(path.relative_to(BASE)))
    assert senders == []


def test_a_refusal_is_the_one_base_of_every_refusal_class():
    import importlib

    for app in APPS:
        for path in _modules_of_kind(app, "services"):
            module = ".".join(path.relative_to(BASE).with_suffix("").parts)
            loaded = importlib.import_module(module.removesuffix(".__init__"))
            for value in vars(loaded).values():
                defined_here = getattr(value, "__module__", None) == loaded.__name__
                if isinstance(value, type) and issubclass(value, Exception) and defined_here:
                    assert issubclass(value, Refusal), f"{module}.{value.__name__}"


@pytest.mark.django_db
def test_a_bug_in_a_service_is_a_server_error_not_a_message(monkeypatch, client_for, dx_staff):
    """A programming error must surface (500 + log), never turn into a friendly message."""
    from django.test import Client

    from core import services

    def broken(**kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(services, "facility_save", broken)
    client = Client(raise_request_exception=False)
    client.force_login(dx_staff)
    response = client.post(
        "/staff/facilities/new/",
        {"name": "公民館", "name_kana": "コウミンカン", "address": "茂原市1", "kind": "other"},
    )
    assert response.status_code == 500


def _project_form_classes() -> list[type]:
    """Every Form and ModelForm class defined in our apps (their forms modules imported)."""
    import importlib

    from django import forms

    for app in APPS:
        for path in _modules_of_kind(app, "forms"):
            module = ".".join(path.relative_to(BASE).with_suffix("").parts)
            importlib.import_module(module.removesuffix(".__init__"))

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted(
        {c for c in subclasses(forms.BaseForm) if c.__module__.split(".")[0] in APPS},
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def test_every_date_a_person_types_is_a_day_field_with_a_sane_range():
    from django import forms

    from core.forms import DayField

    strays = [
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in _project_form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
        and not isinstance(field, DayField)
    ]
    assert not strays, (
        "Use core.forms.DayField (or Meta.formfield_callback = core.forms.day_formfield in a "
        f"ModelForm) so a typed year like 0155 is refused at the form: {strays}"
    )


def test_every_date_filter_of_a_list_is_a_day_filter():
    import importlib

    import django_filters

    from core.filters import DayFilter

    for app in APPS:
        for path in _modules_of_kind(app, "filters"):
            importlib.import_module(".".join(path.relative_to(BASE).with_suffix("").parts))

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    strays = [
        f"{filterset.__module__}.{filterset.__qualname__}.{name}"
        for filterset in subclasses(django_filters.FilterSet)
        if filterset.__module__.split(".")[0] in APPS
        for name, declared in filterset.base_filters.items()
        if issubclass(declared.field_class, django_filters.fields.forms.DateField)
        and not isinstance(declared, DayFilter)
    ]
    assert not strays, f"Use core.filters.DayFilter for a day in a list filter: {strays}"


# The import template (headings only, our own words) is the one other CSV written.
WRITERS_ALLOWED = {"core/exports.py", "core/imports.py"}


@pytest.mark.parametrize("app", APPS)
def test_every_csv_and_xlsx_goes_through_the_one_formula_safe_writer(app):
    writers = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|xlsxwriter|\.to_csv\(")
    strays = [
        str(path.relative_to(BASE))
        for path in _python_files(app)
        if str(path.relative_to(BASE)) not in WRITERS_ALLOWED and writers.search(path.read_text())
    ]
    assert not strays, f"write CSV/XLSX with core.exports (formulas neutralised): {strays}"
