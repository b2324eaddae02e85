"""The daily job's free-text actor label becomes the key of core.audit.SYSTEM_ACTORS."""

from django.db import migrations

ACTION = "volunteers.appointment.reminder_sent"


def _rename(apps, old, new):
    entries = apps.get_model("core", "AuditEntry")
    entries.objects.filter(action=ACTION, actor=None, actor_label=old).update(actor_label=new)


def forwards(apps, schema_editor):
    _rename(apps, "system (cron)", "scheduled_job")


def backwards(apps, schema_editor):
    _rename(apps, "scheduled_job", "system (cron)")


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0003_remove_calendar_token"),
        ("core", "0003_audit_action_names"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
