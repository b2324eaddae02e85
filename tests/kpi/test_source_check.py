"""`manage.py check` catches a wrong KPI source declaration before any sheet is shown."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def check_output() -> str:
    with pytest.raises(SystemCheckError) as info:
        call_command("check")
    return str(info.value)


def test_the_declared_sources_pass_the_check():
    call_command("check")


def test_a_source_path_that_does_not_import_fails_the_check_and_says_where(monkeypatch):
    wifi = apps.get_app_config("wifi")
    monkeypatch.setattr(
        wifi,
        "kpi_sources",
        {"wifi.machines_operating_at_year_end": "wifi.selectors.kpi_machines_at_year_ned"},
    )
    output = check_output()
    assert "tsunagu.E001" in output
    assert (
        "KPI source 'wifi.machines_operating_at_year_end': "
        "'wifi.selectors.kpi_machines_at_year_ned' cannot be imported"
    ) in output
    assert "Fix the path in wifi.apps WifiConfig.kpi_sources." in output


def test_a_source_in_a_module_that_does_not_exist_fails_the_check(monkeypatch):
    monkeypatch.setattr(
        apps.get_app_config("kpi"),
        "kpi_sources",
        {"kpi.serious_security_incidents": "kpi.selecters.kpi_serious_security_incidents"},
    )
    output = check_output()
    assert "tsunagu.E001" in output and "kpi.selecters.kpi_serious_security_incidents" in output


def test_a_selector_not_annotated_to_return_a_figure_fails_the_check(monkeypatch):
    monkeypatch.setattr(
        apps.get_app_config("wifi"),
        "kpi_sources",
        {"wifi.not_a_figure": "tests.kpi.sources.not_a_figure"},
    )
    output = check_output()
    assert "tsunagu.E003" in output
    assert (
        "KPI source 'wifi.not_a_figure': tests.kpi.sources.not_a_figure must take the fiscal "
        "year and be annotated '-> Figure'."
    ) in output


def test_a_key_of_another_app_fails_the_check(monkeypatch):
    monkeypatch.setattr(
        apps.get_app_config("wifi"),
        "kpi_sources",
        {"kpi.machines": "wifi.selectors.kpi_machines_operating_at_year_end"},
    )
    output = check_output()
    assert "tsunagu.E002" in output and "must start with its app label 'wifi'" in output
