"""KPI sources: 延べ貸出団体数 by hand-out date in Japan time, around 31 March / 1 April."""

from datetime import date

import pytest

from lending.selectors import kpi_all_loan_groups, kpi_digital_loan_groups
from lending.services import loan_hand_out, reservation_approve

from .conftest import at

pytestmark = pytest.mark.django_db

MAR31 = date(2026, 3, 31)  # Tuesday, last day of FY2025
APR1 = date(2026, 4, 1)  # Wednesday, first day of FY2026


@pytest.fixture
def facts(make_org, make_type, make_item, book, lending_staff):
    projector = make_type(name="プロジェクター", is_digital_ready=True)
    tent = make_type(name="テント", category="tent", is_digital_ready=False)
    projectors = [make_item(projector) for _ in range(3)]
    tents = [make_item(tent) for _ in range(3)]
    honno = make_org("本納地区自治会")
    toyota = make_org("豊田地区自治会")
    book_at = at(date(2026, 3, 27))

    def lend(org, lines, items, pickup, ret, hand_out_at):
        reservation = book(org, lines, pickup, ret, now=book_at)
        reservation_approve(reservation=reservation, by=lending_staff)
        for item in items:
            loan_hand_out(
                reservation=reservation, code=item.tag_number, by=lending_staff, now=hand_out_at
            )
        return reservation

    # FY2025: 本納 twice with a projector (one at 23:59 on 31 March), 豊田 with tents only.
    lend(honno, {projector: 1}, [projectors[0]], MAR31, MAR31, at(MAR31, 9, 0))
    lend(honno, {projector: 1, tent: 1}, [projectors[1], tents[0]], MAR31, APR1, at(MAR31, 23, 59))
    lend(toyota, {tent: 1}, [tents[1]], MAR31, APR1, at(MAR31, 10, 0))
    # FY2026: 豊田 with a projector handed out at midnight on 1 April.
    lend(toyota, {projector: 1}, [projectors[2]], APR1, APR1, at(APR1, 0, 0))
    # Approved but never handed out: not a loan.
    never = book(toyota, {tent: 1}, APR1, APR1, now=book_at)
    reservation_approve(reservation=never, by=lending_staff)


def test_digital_loan_groups_count_each_loan_with_a_digital_item(facts):
    fy2025 = kpi_digital_loan_groups(2025)
    assert fy2025.value == 2
    assert [row["organisation"] for row in fy2025.rows] == ["本納地区自治会", "本納地区自治会"]
    assert fy2025.rows[1]["handed_out_on"] == MAR31
    assert fy2025.rows[1]["items"] == 2
    assert fy2025.rows[1]["digital_items"] == 1
    fy2026 = kpi_digital_loan_groups(2026)
    assert fy2026.value == 1
    assert fy2026.rows[0]["organisation"] == "豊田地区自治会"
    assert fy2026.rows[0]["handed_out_on"] == APR1


def test_all_loan_groups_count_every_loan(facts):
    assert kpi_all_loan_groups(2025).value == 3
    assert kpi_all_loan_groups(2026).value == 1
    assert kpi_all_loan_groups(2024).value == 0


def test_kpi_rows_carry_no_personal_data(facts):
    figure = kpi_digital_loan_groups(2025)
    keys = {column.key for column in figure.columns}
    assert keys == set(figure.rows[0])
    assert not any(column.is_people_count for column in figure.columns)
    assert not {"representative_name", "email", "phone"} & keys
    assert figure.explanation


MAR30 = date(2026, 3, 30)  # Monday


def test_split_reservation_counts_in_the_year_of_its_digital_hand_out(
    make_org, make_type, make_item, book, lending_staff
):
    tablet = make_type(name="タブレット", category="tablet", is_digital_ready=True)
    tent = make_type(name="テント", category="tent", is_digital_ready=False)
    tablet_unit, tent_unit = make_item(tablet), make_item(tent)
    reservation = book(
        make_org("茂原地区自治会"), {tablet: 1, tent: 1}, MAR30, APR1, now=at(date(2026, 3, 23))
    )
    reservation_approve(reservation=reservation, by=lending_staff)
    loan_hand_out(
        reservation=reservation, code=tent_unit.tag_number, by=lending_staff, now=at(MAR30, 9)
    )
    loan_hand_out(
        reservation=reservation, code=tablet_unit.tag_number, by=lending_staff, now=at(APR1, 9)
    )

    assert kpi_digital_loan_groups(2025).value == 0
    fy2026 = kpi_digital_loan_groups(2026)
    assert fy2026.value == 1
    assert fy2026.rows[0]["handed_out_on"] == APR1
    # Of all equipment, the reservation went out (a tent) in FY2025.
    assert (kpi_all_loan_groups(2025).value, kpi_all_loan_groups(2026).value) == (1, 0)


def test_changing_a_types_flag_leaves_a_past_year_unchanged(facts):
    from lending.models import EquipmentType

    assert (kpi_digital_loan_groups(2025).value, kpi_digital_loan_groups(2026).value) == (2, 1)
    # The city reclassifies: projectors no longer count, tents now do.
    EquipmentType.objects.filter(name="プロジェクター").update(is_digital_ready=False)
    EquipmentType.objects.filter(name="テント").update(is_digital_ready=True)

    assert (kpi_digital_loan_groups(2025).value, kpi_digital_loan_groups(2026).value) == (2, 1)


def test_the_value_is_one_count_and_rows_are_built_only_when_asked(
    facts, django_assert_num_queries
):
    with django_assert_num_queries(1):
        digital = kpi_digital_loan_groups(2025)
    with django_assert_num_queries(1):
        every = kpi_all_loan_groups(2025)
    assert not digital.rows.built and not every.rows.built
    with django_assert_num_queries(1):
        assert len(digital.rows) == digital.value == 2


def test_the_data_migration_copies_the_type_flag_and_the_reverse_clears_it(
    make_type, make_item, make_org
):
    import importlib

    from django.apps import apps

    from lending.models import Loan

    from .loans import put_on_loan

    migration = importlib.import_module("lending.migrations.0007_loan_was_digital_ready_fill")
    organisation = make_org()
    digital = put_on_loan(make_item(make_type(is_digital_ready=True)), organisation)
    plain = put_on_loan(make_item(make_type(is_digital_ready=False)), organisation)
    Loan.objects.update(was_digital_ready=False)  # as before the field existed

    migration.copy_the_type_flag(apps, None)
    assert set(Loan.objects.filter(was_digital_ready=True)) == {digital}
    assert Loan.objects.get(pk=plain.pk).was_digital_ready is False

    migration.clear_the_flag(apps, None)
    assert not Loan.objects.filter(was_digital_ready=True).exists()
