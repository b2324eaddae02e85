"""The volunteers app stays below outreach: no URL name, menu entry or template link of
it points at outreach (outreach declares the links it wants shown here)."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
OUTREACH_NAME = re.compile(r"""["']outreach:""")


def _sources():
    yield from (BASE / "volunteers").rglob("*.py")
    yield from (BASE / "templates" / "volunteers").rglob("*")
    yield from (BASE / "static" / "volunteers").rglob("*")


def test_no_volunteers_code_or_template_names_an_outreach_url():
    offenders = [
        str(path.relative_to(BASE))
        for path in _sources()
        if path.is_file()
        and "locale" not in path.parts
        and OUTREACH_NAME.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_volunteers_code_imports_outreach():
    offenders = [
        str(path.relative_to(BASE))
        for path in (BASE / "volunteers").rglob("*.py")
        if re.search(r"^\s*(from|import) outreach\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_volunteers_menu_names_only_its_own_pages():
    config = apps.get_app_config("volunteers")
    names = [url_name for _label, url_name, _roles in config.nav_items]
    names += [url_name for _label, url_name in config.public_nav_items]
    assert names and all(name.startswith("volunteers:") for name in names)
