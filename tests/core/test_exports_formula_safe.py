"""Every CSV and XLSX Tsunagu hands out is formula-safe, read back as Excel would (issue 17).

The demo data is seeded, then every text a person can type (an event name, a group's
name, a volunteer's name, a class title, a note …) is overwritten with a formula
start: ``=HYPERLINK(…)``, ``+``, ``-``, ``@``, a tab, a carriage return. Every URL
pattern is then asked for its downloads (``?_export=csv|xlsx`` and the URLs that
are files themselves) by a role allowed to open it; each XLSX is read back with
openpyxl and each CSV with the csv module, and no cell may be a formula or start
like one. A new export is found by itself; KNOWN_EXPORTS makes sure the search
keeps finding the ones we know.
"""

import csv
import io
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from openpyxl import load_workbook

from core.exports import FORMULA_STARTS
from tests.core.test_permission_matrix import MATRIX
from tests.site_catalog import PERSONAS, client_as, url_of, url_patterns

HOSTILE = (
    '=HYPERLINK("https://evil.example/","詳細")',
    "+81-475-00-0000",
    "-1+1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
)
# Text that is not typed as free text, or whose form the code relies on.
NOT_FREE_TEXT = {"password", "action", "token", "qr_token", "key", "language", "template", "rule"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")

# The downloads the search must keep finding (path prefixes), whatever else it finds.
KNOWN_EXPORTS = {
    "/lending/reservations/?_export=csv",
    "/lending/reservations/?_export=xlsx",
    "/lending/organisations/?_export=xlsx",
    "/lending/items/?_export=xlsx",
    "/volunteers/staff/roster/?_export=csv",
    "/volunteers/staff/roster/?_export=xlsx",
    "/volunteering/staff/hours/?_export=xlsx",
    "/outreach/classes/?_export=xlsx",
    "/wifi/machines/?_export=xlsx",
    "/wifi/usage/?_export=xlsx",
    "/staff/audit/?_export=xlsx",
    "/staff/accounts/?_export=xlsx",
    "/kpi/staff/2025.xlsx",
    "/kpi/2025.csv",
    "/opendata/wifi.csv",
    "/opendata/events.csv",
    "/opendata/facilities.csv",
}


def _poison_every_free_text() -> None:
    """Overwrite every free-text column of our apps' rows with a formula start."""
    for model in apps.get_models():
        if model._meta.app_label not in settings.TSUNAGU_APPS:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
            and not field.choices
            and not field.primary_key
            and field.name not in NOT_FREE_TEXT
            and (field.max_length or 1000) >= 24
        ]
        if not fields:
            continue
        for n, pk in enumerate(model.objects.values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(
                **{
                    field.name: _hostile(n + i, f" {pk}", field.max_length)
                    for i, field in enumerate(fields)
                }
            )


def _hostile(n: int, suffix: str, max_length: int | None) -> str:
    """A formula start, cut to fit, ending in ``suffix`` (the pk keeps unique columns unique)."""
    text = HOSTILE[n % len(HOSTILE)]
    return text[: (max_length or 1000) - len(suffix)] + suffix


def _allowed_persona(name: str) -> str | None:
    """A persona that may open the page (staff first: they see the most)."""
    row = MATRIX[name].split()
    order = ["administrator", "dx_staff", "lending_lead", "anonymous", "volunteer"]
    order += [p for p in PERSONAS if p not in order]
    for persona in order:
        if row[PERSONAS.index(persona)] == "ok":
            return persona
    return None


def _cells(response) -> list:
    content = b"".join(response) if response.streaming else response.content
    if response["Content-Type"].startswith(XLSX):
        workbook = load_workbook(io.BytesIO(content))
        cells = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"formula cell {sheet.title}!{cell.coordinate}"
                    cells.append(cell.value)
        return cells
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _downloads(seeded_site) -> dict[str, list]:
    """{path: cells} of every CSV/XLSX the site hands out."""
    found = {}
    for pattern in url_patterns():
        persona = _allowed_persona(pattern.name)
        if persona is None or pattern.name.startswith(("admin:", "account_", "mfa_")):
            continue
        client = client_as(seeded_site[persona])
        for path in url_of(pattern):
            candidates = [path, f"{path}?_export=csv", f"{path}?_export=xlsx"]
            if path.endswith(".xlsx"):
                candidates.append(path.removesuffix(".xlsx") + ".csv")
            for candidate in candidates:
                response = client.get(candidate)
                kind = response.get("Content-Type", "")
                if response.status_code == 200 and kind.startswith(("text/csv", XLSX)):
                    found[candidate] = _cells(response)
                assert response.status_code < 500, f"{candidate} as {persona}"
    return found


@pytest.mark.django_db
def test_no_export_has_a_formula_cell_or_a_cell_that_starts_like_one(seeded_site):
    _poison_every_free_text()
    found = _downloads(seeded_site)
    assert set(found) >= KNOWN_EXPORTS, f"not found: {sorted(KNOWN_EXPORTS - set(found))}"
    live = {
        path: [
            cell
            for cell in cells
            if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not NUMBER.match(cell)
        ]
        for path, cells in found.items()
    }
    assert not any(live.values()), {path: cells[:3] for path, cells in live.items() if cells}
    # The hostile text did reach the files (neutralised with a leading apostrophe).
    neutralised = {
        path
        for path, cells in found.items()
        if any(isinstance(c, str) and c[:2] in {"'" + s for s in FORMULA_STARTS} for c in cells)
    }
    for path in (
        "/lending/reservations/?_export=csv",
        "/lending/reservations/?_export=xlsx",
        "/lending/organisations/?_export=xlsx",
        "/volunteers/staff/roster/?_export=xlsx",
    ):
        assert path in neutralised, f"{path} carried none of the hostile texts"
