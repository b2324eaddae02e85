"""Who acted, for entries nobody made by hand: the free-text labels become the keys of
core.audit.SYSTEM_ACTORS, so histories name who acted (a resident online, the daily
job, Tsunagu itself) in the reader's language instead of an English code."""

from django.db import migrations

# (action, old label, new key): each old label was written by exactly these actions.
RENAMED = [
    ("outreach.application.created", "public form", "resident_online"),
    ("outreach.application.cancelled", "public form (reference number)", "resident_online"),
    ("outreach.application.promoted", "public form (reference number)", "resident_online"),
    ("outreach.signup.promoted", "system (waiting list)", "system"),
    ("outreach.participants.anonymised", "outreach_anonymise", "scheduled_job"),
]


def _rename(apps, pairs):
    entries = apps.get_model("core", "AuditEntry")
    for action, old, new in pairs:
        entries.objects.filter(action=action, actor=None, actor_label=old).update(actor_label=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, [(action, new, old) for action, old, new in RENAMED])


class Migration(migrations.Migration):
    dependencies = [("outreach", "0004_calendar_feed"), ("core", "0003_audit_action_names")]
    operations = [migrations.RunPython(forwards, backwards)]
