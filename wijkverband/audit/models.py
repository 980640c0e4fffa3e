"""Append-only, tamper-evident log (NEN 7513 style).

Every row carries the hash of the row before it, so changing or removing a row breaks the chain
from that point on (see wijkverband.audit.selectors.audit_chain_verify). The model refuses
updates and deletes; only the privacy officer (permission audit.view_auditevent) reads it.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {
        "actor_label": "the audit log is written by code, and records client references by design",
        "on_behalf_of": "the audit log is written by code, and records client references by design",
        "action": "the audit log is written by code, and records client references by design",
        "object_type": "the audit log is written by code, and records client references by design",
        "object_id": "the audit log is written by code, and records client references by design",
        "client_reference": "the audit log is written by code, and records client references by design",
        "prev_hash": "the audit log is written by code, and records client references by design",
        "hash": "the audit log is written by code, and records client references by design",
    }

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # A snapshot: the log must still say who it was when the account is gone.
    actor_label = models.CharField(_("who (at the time)"), max_length=254, blank=True)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=80, db_index=True)
    team_id = models.BigIntegerField(_("team"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    client_reference = models.CharField(_("client reference"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def compute_hash(self) -> str:
        payload = json.dumps(
            {
                "prev": self.prev_hash,
                "at": self.at.isoformat(),
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "on_behalf_of": self.on_behalf_of,
                "action": self.action,
                "team": self.team_id,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "client_reference": self.client_reference,
                "data": self.data,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()
