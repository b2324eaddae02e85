"""core.checks and core.figures: a wrong KPI source stops `manage.py check`, with its key and path."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils.module_loading import import_string

from core.checks import kpi_sources_import_and_return_figures
from core.figures import Column, Figure, declared_kpi_sources

HERE = __name__


def good_selector(fiscal_year: int) -> Figure:
    return Figure(value=fiscal_year, rows=[])


def unannotated_selector(fiscal_year):
    return Figure(value=0, rows=[])


def selector_annotated_otherwise(fiscal_year: int) -> int:
    return 0


def selector_without_the_year() -> Figure:
    return Figure(value=0, rows=[])


NOT_A_FUNCTION = "kpi_machines"


@pytest.fixture
def wifi_sources(monkeypatch):
    """set_sources({...}): replace the Wi-Fi app's declared KPI sources for one test."""
    config = apps.get_app_config("wifi")

    def set_sources(extra: dict[str, str]) -> None:
        monkeypatch.setattr(config, "kpi_sources", {**config.kpi_sources, **extra})

    return set_sources


def _check_fails_with(*fragments: str) -> str:
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message
    return message


# --- the check ---------------------------------------------------------------------------------


def test_the_declared_sources_pass_the_check():
    call_command("check")
    assert kpi_sources_import_and_return_figures() == []


@pytest.mark.parametrize(
    "path",
    [
        "wifi.selectors.kpi_machines_operating_at_yaer_end",  # a typo in the name
        "wifi.selector.kpi_machines_operating_at_year_end",  # a typo in the module
        "kpi_machines_operating_at_year_end",  # not a dotted path at all
        "",
    ],
)
def test_a_wrong_source_path_stops_the_check_naming_key_and_path(wifi_sources, path):
    wifi_sources({"wifi.machines_operating_at_year_end": path})
    message = _check_fails_with("tsunagu.E001", "'wifi.machines_operating_at_year_end'", repr(path))
    assert "wifi.apps WifiConfig.kpi_sources" in message  # where to fix it


def test_a_selector_not_annotated_to_return_a_figure_stops_the_check(wifi_sources):
    wifi_sources({"wifi.unannotated": f"{HERE}.unannotated_selector"})
    _check_fails_with(
        "tsunagu.E003", "'wifi.unannotated'", f"{HERE}.unannotated_selector", "-> Figure"
    )


def test_a_selector_annotated_with_another_type_stops_the_check(wifi_sources):
    wifi_sources({"wifi.other_type": f"{HERE}.selector_annotated_otherwise"})
    _check_fails_with("tsunagu.E003", "'wifi.other_type'")


def test_a_selector_that_does_not_take_the_year_stops_the_check(wifi_sources):
    wifi_sources({"wifi.no_year": f"{HERE}.selector_without_the_year"})
    _check_fails_with("tsunagu.E003", "'wifi.no_year'")


def test_a_path_to_something_that_is_not_a_function_is_reported_not_raised(wifi_sources):
    wifi_sources({"wifi.constant": f"{HERE}.NOT_A_FUNCTION", "wifi.module": "wifi.selectors"})
    message = _check_fails_with("'wifi.constant'", f"{HERE}.NOT_A_FUNCTION")
    assert "'wifi.module'" in message


def test_a_key_outside_the_apps_own_prefix_stops_the_check(wifi_sources):
    wifi_sources({"lending.machines": f"{HERE}.good_selector"})
    _check_fails_with("tsunagu.E002", "'lending.machines'", "'wifi'")


def test_a_good_selector_from_anywhere_passes(wifi_sources):
    wifi_sources({"wifi.test_only": f"{HERE}.good_selector"})
    call_command("check")
    assert declared_kpi_sources()["wifi.test_only"] == f"{HERE}.good_selector"


# --- declared sources ---------------------------------------------------------------------------


def test_every_app_declares_the_sources_it_serves_under_its_own_label():
    sources = declared_kpi_sources()
    assert {key.split(".")[0] for key in sources} == {"lending", "outreach", "wifi", "kpi"}
    for key, path in sources.items():
        app_label = key.split(".")[0]
        assert path.startswith(f"{app_label}.")
        assert key in apps.get_app_config(app_label).kpi_sources


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(declared_kpi_sources()))
def test_every_declared_source_returns_a_figure_for_an_empty_year(key):
    figure = import_string(declared_kpi_sources()[key])(2025)
    assert isinstance(figure, Figure)
    assert figure.value == 0
    assert list(figure.rows) == []


# --- Figure ---------------------------------------------------------------------------------------


def test_a_figure_reads_cells_from_dicts_objects_and_related_objects():
    class Facility:
        name = "中央公民館"

        def label(self) -> str:
            return "公民館"

    class Session:
        facility = Facility()
        attendance = 12
        nothing = None

    figure = Figure(value=Decimal("12"), rows=[])
    assert figure.cell({"attendance": 3}, Column("attendance", "人数")) == 3
    assert figure.cell({}, Column("attendance", "人数")) is None
    assert figure.cell(Session(), Column("attendance", "人数")) == 12
    assert figure.cell(Session(), Column("facility__name", "会場")) == "中央公民館"
    assert figure.cell(Session(), Column("facility__label", "種別")) == "公民館"
    assert figure.cell(Session(), Column("nothing__name", "なし")) is None
