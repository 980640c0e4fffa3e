"""Append-only, tamper-evident log (NEN 7513 style).

Every row belongs to one chain (a team's, a region's or the global one: wijkverband.audit.chains)
and carries the hash of the row before it in that chain, so changing or removing a row breaks its
chain from that point on (see wijkverband.audit.selectors.audit_chains_verify). The model refuses
updates and deletes; only the privacy officer (permission audit.view_auditevent) reads it.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.audit.chains import GLOBAL


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
        "chain": "the name of the row's chain (team:<id>, region:<id>, global), written by code",
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
    # team:<id>, region:<id> or global (wijkverband.audit.chains): whose chain this row extends.
    chain = models.CharField(_("chain"), max_length=40, default=GLOBAL, db_default=GLOBAL, editable=False)
    prev_hash = models.CharField(_("hash of the row before"), max_length=64, editable=False)
    hash = models.CharField(_("hash of this row"), max_length=64, editable=False, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        # The head of one chain (audit_record) and one chain in order (verification).
        indexes = [models.Index(fields=["chain", "id"], name="audit_chain_id")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def compute_hash(self) -> str:
        return hashlib.sha256(self.hash_text().encode()).hexdigest()

    def hash_text(self) -> str:
        """What the row's hash is taken over: its content as JSON, keys sorted, all ASCII. On
        PostgreSQL a new row is hashed in SQL over this same text (audit.services._Append)."""
        content = {
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
        }
        # The global chain's rows hash as they did before there were chains (so the rows written
        # then still verify); every other row hashes its chain's name too.
        if self.chain != GLOBAL:
            content["chain"] = self.chain
        return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
