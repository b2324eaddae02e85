"""Personas and factories of core's staff pages."""

from datetime import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import AuditEntry
from core.roles import Role


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, full_name="管理者 一子")


@pytest.fixture
def make_entry(db):
    """make_entry(action, target, actor=None, at=None, note="") → an audit entry as recorded then."""

    def _make(action: str, target, *, actor=None, at: datetime | None = None, note: str = ""):
        return AuditEntry.objects.create(
            at=at or timezone.now(),
            actor=actor,
            actor_label=actor.full_name if actor else "system",
            action=action,
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
            target_repr=str(target),
            note=note,
        )

    return _make
