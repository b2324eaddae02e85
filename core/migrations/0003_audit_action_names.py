"""Audit action names become <app>.<noun>.<verb> (core.audit registry); old entries follow."""

from django.db import migrations

RENAMED = {
    "reservation.request": "lending.reservation.requested",
    "reservation.provisional": "lending.reservation.held_provisionally",
    "reservation.approve": "lending.reservation.approved",
    "reservation.reject": "lending.reservation.rejected",
    "reservation.cancel": "lending.reservation.cancelled",
    "reservation.expire": "lending.reservation.expired",
    "reservation.release_units": "lending.reservation.units_released",
    "loan.hand_out": "lending.loan.handed_out",
    "loan.swap": "lending.loan.swapped",
    "loan.return": "lending.loan.returned",
    "loan.inspect": "lending.loan.inspected",
    "loan.components_missing": "lending.loan.parts_missing",
    "loan.components_complete": "lending.loan.parts_complete",
    "item.repair_finish": "lending.item.repaired",
    "item.retire": "lending.item.retired",
    "item.qr_token_reissued": "lending.item.qr_reissued",
    "item.imported": "lending.item.imported",
    "organisation.imported": "lending.organisation.imported",
    "organisation.create": "lending.organisation.created",
    "organisation.change": "lending.organisation.changed",
    "membership.request": "lending.membership.requested",
    "membership.verify": "lending.membership.verified",
    "membership.revoke": "lending.membership.revoked",
    "outreach.session_created": "outreach.session.created",
    "outreach.series_created": "outreach.series.created",
    "outreach.session_updated": "outreach.session.changed",
    "outreach.session_cancelled": "outreach.session.cancelled",
    "outreach.session_held": "outreach.session.held",
    "outreach.application_created": "outreach.application.created",
    "outreach.application_promoted": "outreach.application.promoted",
    "outreach.application_cancelled": "outreach.application.cancelled",
    "outreach.attendance_recorded": "outreach.attendance.recorded",
    "outreach.attendance_changed": "outreach.attendance.changed",
    "outreach.walk_in_added": "outreach.attendance.walk_in_added",
    "outreach.participants_anonymised": "outreach.participants.anonymised",
    "signup.created": "outreach.signup.created",
    "signup.cancelled": "outreach.signup.cancelled",
    "signup.promoted": "outreach.signup.promoted",
    "signup.attendance_recorded": "outreach.signup.attendance_recorded",
    "volunteer.applied": "volunteers.volunteer.applied",
    "volunteer.approved": "volunteers.volunteer.approved",
    "volunteer.status_changed": "volunteers.volunteer.status_changed",
    "volunteer.updated": "volunteers.volunteer.changed",
    "volunteer.training_recorded": "volunteers.training.recorded",
    "volunteer.appointed": "volunteers.appointment.made",
    "volunteer.appointment_reminder_sent": "volunteers.appointment.reminder_sent",
    "volunteer.note_added": "volunteers.note.added",
    "volunteer.calendar_url_reset": "volunteers.calendar.reset",
    "wifi.machine_create": "wifi.machine.created",
    "wifi.machine_update": "wifi.machine.changed",
    "wifi.machine_status_change": "wifi.machine.status_changed",
    "wifi.usage_record": "wifi.usage.recorded",
    "wifi.usage_update": "wifi.usage.changed",
    "wifi.inspection_record": "wifi.inspection.recorded",
    "wifi.activation_record": "wifi.activation.recorded",
    "kpi.period_created": "kpi.period.created",
    "kpi.definition_changed": "kpi.definition.changed",
    "kpi.year_target_set": "kpi.target.set",
    "kpi.manual_value_set": "kpi.manual_value.set",
    "kpi.comment_saved": "kpi.comment.saved",
    "kpi.year_closed": "kpi.year.closed",
    "kpi.year_reopened": "kpi.year.reopened",
    "kpi.incident_recorded": "kpi.incident.recorded",
    "kpi.incident_changed": "kpi.incident.changed",
    "facility.change": "core.facility.changed",
}


def _rename(apps, mapping):
    entry = apps.get_model("core", "AuditEntry")
    for old, new in mapping.items():
        entry.objects.filter(action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_rate_counter")]
    operations = [migrations.RunPython(forwards, backwards)]
