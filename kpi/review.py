"""The 進行管理 of a fiscal year as the policy defines it: the sections fill the check
sheet of their measures, the DX board (推進本部) reviews it, the year is confirmed
(the KPI sheet is frozen, ``services.year_close``) and then published.

作成中 → 所管課記入済み → 推進本部で検討 → 確定 → 公表. Every step is audited; a step
can only follow the one before it, so nothing reaches the public page before the
DX board has seen it. Re-opening a confirmed year (``services.year_reopen``) takes
it back to the board step and off the public page.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.audit import audit_record, field_changes
from core.figures import KPI_CACHE
from core.fiscal import current_fiscal_year, wareki_fiscal_year_label
from core.pagecache import bump
from core.refusals import Refusal
from core.roles import ROLE_SECTIONS, Role, has_role, user_roles

from .models import REVIEW_ORDER, Measure, MeasureCheck, PlanPeriod, YearReview
from .sheets import period_for_year, published_years

Status = YearReview.Status
CHECK_FIELDS = ["progress", "done", "assessment", "issues", "direction"]
BOARD_FIELDS = ["board_comment", "board_decision"]


def reached(status: str, step: str) -> bool:
    """Whether a review in ``status`` has gone through ``step``."""
    return REVIEW_ORDER.index(status) >= REVIEW_ORDER.index(step)


def review_of(fiscal_year: int) -> YearReview | None:
    return YearReview.objects.filter(fiscal_year=fiscal_year).first()


def review_status(fiscal_year: int) -> str:
    review = review_of(fiscal_year)
    return review.status if review else Status.DRAFTING


def published_review_years() -> list[int]:
    """Years whose review reached 公表, newest first."""
    return list(
        YearReview.objects.filter(status=Status.PUBLISHED)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
    )


def public_years() -> list[dict[str, Any]]:
    """What the public report offers: published years, and the current year as provisional.

    A year that is neither (closed but not yet published, or a past year never
    reviewed) is not public.
    """
    current = current_fiscal_year()
    years = [{"fiscal_year": y, "published": True} for y in published_review_years()]
    if current not in {y["fiscal_year"] for y in years} and current in published_years():
        years.append({"fiscal_year": current, "published": False})
    return sorted(years, key=lambda y: y["fiscal_year"], reverse=True)


# --- Who fills which row ------------------------------------------------------


def sees_every_measure(user) -> bool:
    """総務課 (the DX office) reads and fills every row; it also fills rows of sections
    that have no staff role in Tsunagu (関係各課)."""
    return has_role(user, Role.DX_STAFF)


def user_sections(user) -> set[str]:
    return {ROLE_SECTIONS[role] for role in user_roles(user) if role in ROLE_SECTIONS}


def measures_for(user, period: PlanPeriod):
    measures = Measure.objects.filter(period=period).order_by("sort_order", "id")
    if sees_every_measure(user):
        return measures
    return measures.filter(section__in=user_sections(user))


def check_rows(fiscal_year: int, user=None) -> list[dict[str, Any]]:
    """The check sheet's measure rows of ``fiscal_year`` (those ``user`` may see), two queries."""
    period = period_for_year(fiscal_year)
    if period is None:
        return []
    measures = (
        measures_for(user, period)
        if user is not None
        else Measure.objects.filter(period=period).order_by("sort_order", "id")
    )
    measures = list(measures.prefetch_related("kpis"))
    checks = {
        c.measure_id: c
        for c in MeasureCheck.objects.filter(measure__in=measures, fiscal_year=fiscal_year)
    }
    return [
        {"measure": m, "check": checks.get(m.pk), "plan": m.plan_for(fiscal_year)} for m in measures
    ]


def _period_or_refuse(fiscal_year: int) -> PlanPeriod:
    period = period_for_year(fiscal_year)
    if period is None:
        raise Refusal(gettext("No plan period covers this fiscal year."))
    return period


def _locked_review(fiscal_year: int) -> YearReview:
    """The year's review row, created in 作成中 when first needed, locked for this transaction."""
    period = _period_or_refuse(fiscal_year)
    YearReview.objects.get_or_create(fiscal_year=fiscal_year, defaults={"period": period})
    return YearReview.objects.select_for_update().get(fiscal_year=fiscal_year)


def _set_status(review: YearReview, status: str, by, *, note: str = "", **changes) -> None:
    before = {"status": review.status, **{k: getattr(review, k) for k in changes}}
    review.status = status
    for name, value in changes.items():
        setattr(review, name, value)
    review.updated_at = timezone.now()
    review.save()
    action = {
        Status.FILLED: "kpi.review.filled",
        Status.BOARD: "kpi.review.board_recorded",
        Status.PUBLISHED: "kpi.review.published",
    }[status]
    audit_record(
        actor=by,
        action=action,
        target=review,
        changes=field_changes(before, {"status": status, **changes}),
        note=note,
    )
    bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)


# --- The sections' rows ---------------------------------------------------------


def check_save(*, measure: Measure, fiscal_year: int, data: dict[str, Any], by) -> MeasureCheck:
    """Save a section's row of the check sheet; only while the year is being written."""
    if data.get("progress") in ("done", "partly") and not (data.get("done") or "").strip():
        raise Refusal(gettext("Write what was done."), field="done")
    with transaction.atomic():
        review = _locked_review(fiscal_year)
        if measure.period_id != review.period_id:
            raise Refusal(gettext("This measure does not belong to this fiscal year's plan."))
        if reached(review.status, Status.BOARD):
            raise Refusal(
                gettext(
                    "The DX board has already reviewed this year; the rows can no longer change."
                )
            )
        check, _ = MeasureCheck.objects.select_for_update().get_or_create(
            measure=measure, fiscal_year=fiscal_year
        )
        before = {name: getattr(check, name) for name in CHECK_FIELDS}
        after = {name: data.get(name, "") or "" for name in CHECK_FIELDS}
        for name, value in after.items():
            setattr(check, name, value)
        check.updated_by, check.updated_at = by, timezone.now()
        check.save()
        diff = field_changes(before, after)
        if diff:
            audit_record(
                actor=by,
                action="kpi.measure_check.saved",
                target=check,
                changes=diff,
                note=wareki_fiscal_year_label(fiscal_year),
            )
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return check


def unfilled_measures(fiscal_year: int) -> list[Measure]:
    rows = check_rows(fiscal_year)
    return [
        row["measure"]
        for row in rows
        if row["check"] is None
        or not (row["check"].progress and row["check"].assessment and row["check"].direction)
    ]


def review_mark_filled(*, fiscal_year: int, by) -> YearReview:
    """作成中 → 所管課記入済み: every measure has its implementation, assessment and direction."""
    with transaction.atomic():
        review = _locked_review(fiscal_year)
        if review.status != Status.DRAFTING:
            raise Refusal(gettext("The sections' rows are already marked as filled in."))
        missing = unfilled_measures(fiscal_year)
        if missing:
            raise Refusal(
                gettext("%(count)s measures are not filled in yet.") % {"count": len(missing)},
                errors={
                    None: [
                        gettext(
                            "%(measure)s: implementation, self-assessment or future "
                            "direction is missing."
                        )
                        % {"measure": m.name}
                        for m in missing
                    ]
                },
            )
        _set_status(review, Status.FILLED, by, note=wareki_fiscal_year_label(fiscal_year))
    return review


# --- The DX board ---------------------------------------------------------------


def board_record(
    *,
    fiscal_year: int,
    meeting_date: date,
    decision: str,
    per_measure: dict[int, dict[str, str]],
    by,
    new_measure: dict[str, str] | None = None,
) -> YearReview:
    """所管課記入済み → 推進本部で検討: the meeting, its decision, and its word on each measure.

    ``per_measure`` maps a measure's id to its ``board_comment`` and ``board_decision``;
    every measure needs a decision (continue, change, end), which the version-up reads,
    as it reads ``new_measure`` (name, area, section, actions): a measure to add.
    """
    if meeting_date is None:
        raise Refusal(gettext("Enter the date of the meeting."), field="meeting_date")
    if meeting_date > timezone.localdate():
        raise Refusal(gettext("The meeting cannot be in the future."), field="meeting_date")
    with transaction.atomic():
        review = _locked_review(fiscal_year)
        if review.status not in (Status.FILLED, Status.BOARD):
            raise Refusal(
                gettext("The sections' rows must be filled in before the DX board's review.")
                if review.status == Status.DRAFTING
                else gettext("This year is already confirmed; re-open it to change the review.")
            )
        rows = check_rows(fiscal_year)
        missing = [
            row["measure"].name
            for row in rows
            # a measure added after the rows were filled has no row to comment on yet
            if row["check"] is None
            or not per_measure.get(row["measure"].pk, {}).get("board_decision")
        ]
        if missing:
            raise Refusal(
                gettext("Record the DX board's decision for every measure."),
                errors={None: missing},
            )
        for row in rows:
            check = MeasureCheck.objects.select_for_update().get(pk=row["check"].pk)
            words = per_measure[row["measure"].pk]
            before = {name: getattr(check, name) for name in BOARD_FIELDS}
            after = {name: words.get(name, "") or "" for name in BOARD_FIELDS}
            for name, value in after.items():
                setattr(check, name, value)
            check.save(update_fields=BOARD_FIELDS)
            diff = field_changes(before, after)
            if diff:
                audit_record(
                    actor=by,
                    action="kpi.measure_check.board_comment",
                    target=check,
                    changes=diff,
                    note=wareki_fiscal_year_label(fiscal_year),
                )
        added = list(review.new_measures)
        if new_measure and new_measure["name"] not in {m["name"] for m in added}:
            added.append(new_measure)
        _set_status(
            review,
            Status.BOARD,
            by,
            note=wareki_fiscal_year_label(fiscal_year),
            meeting_date=meeting_date,
            decision=decision,
            new_measures=added,
        )
    return review


def refuse_unless_board_reviewed(fiscal_year: int) -> None:
    """確定 (closing the KPI sheet) comes after the DX board's review."""
    if review_status(fiscal_year) != Status.BOARD:
        raise Refusal(
            gettext(
                "The DX board has not reviewed this year yet: record its meeting before "
                "confirming the year."
            )
        )


def mark_confirmed(fiscal_year: int) -> None:
    """Called inside ``services.year_close``'s transaction (its audit entry is the record)."""
    YearReview.objects.filter(fiscal_year=fiscal_year).update(
        status=Status.CONFIRMED, updated_at=timezone.now()
    )


def mark_reopened(fiscal_year: int) -> None:
    """Called inside ``services.year_reopen``: back to the board step, off the public page."""
    YearReview.objects.filter(fiscal_year=fiscal_year).update(
        status=Status.BOARD, published_at=None, updated_at=timezone.now()
    )


def review_publish(*, fiscal_year: int, by) -> YearReview:
    """確定 → 公表: the year appears on the public report."""
    with transaction.atomic():
        review = _locked_review(fiscal_year)
        if review.status == Status.PUBLISHED:
            raise Refusal(gettext("This year is already published."))
        if review.status != Status.CONFIRMED:
            raise Refusal(
                gettext(
                    "Only a confirmed year can be published: the DX board reviews it "
                    "and the year is confirmed first."
                )
            )
        # When it was published is the audit entry's own time; only the step is a change.
        review.published_at = timezone.now()
        _set_status(review, Status.PUBLISHED, by, note=wareki_fiscal_year_label(fiscal_year))
    return review


# --- Version-up -------------------------------------------------------------------


def carried_measures(fiscal_year: int) -> list[tuple[Measure, MeasureCheck]]:
    """The measures the DX board kept in its review of ``fiscal_year`` (not ended)."""
    if not reached(review_status(fiscal_year), Status.BOARD):
        raise Refusal(
            gettext(
                "A version-up starts from the DX board's review of %(year)s, which is "
                "not recorded yet."
            )
            % {"year": wareki_fiscal_year_label(fiscal_year)}
        )
    return [
        (row["measure"], row["check"] or MeasureCheck())
        for row in check_rows(fiscal_year)
        if row["check"] is None or row["check"].board_decision != MeasureCheck.Decision.END
    ]


def carry_measures_over(
    *, fiscal_year: int, new_period: PlanPeriod, kpis_by_code: dict[str, Any]
) -> list[Measure]:
    """Copy the kept measures into ``new_period`` (a changed one carries the board's
    comment) and create the ones the board added."""
    created = []
    for measure, check in carried_measures(fiscal_year):
        copy = Measure.objects.create(
            period=new_period,
            code=measure.code,
            sort_order=measure.sort_order,
            area=measure.area,
            name=measure.name,
            name_en=measure.name_en,
            section=measure.section,
            related_sections=measure.related_sections,
            situation=measure.situation,
            issues=measure.issues,
            actions=measure.actions,
            schedule={},
            review_note=(
                check.board_comment if check.board_decision == MeasureCheck.Decision.CHANGE else ""
            ),
        )
        copy.kpis.set([kpis_by_code[k.code] for k in measure.kpis.all() if k.code in kpis_by_code])
        created.append(copy)
    added = review_of(fiscal_year).new_measures
    for index, entry in enumerate(added, start=1):
        created.append(
            Measure.objects.create(
                period=new_period,
                code=f"added-{fiscal_year}-{index}",
                sort_order=1000 + index,
                area=entry["area"],
                name=entry["name"],
                section=entry["section"],
                actions=entry.get("actions", ""),
                review_note=gettext("Added by the DX board's review of %(year)s.")
                % {"year": wareki_fiscal_year_label(fiscal_year)},
            )
        )
    return created


def review_blockers(fiscal_year: int) -> list[str]:
    """Why the year cannot be confirmed yet as far as the review goes, in plain words."""
    status = review_status(fiscal_year)
    if status in (Status.DRAFTING, Status.FILLED):
        return [
            gettext(
                "The DX board has not reviewed this year yet: the sections fill in the "
                "measures' rows, then 総務課 records the meeting."
            )
        ]
    return []
