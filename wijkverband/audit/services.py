from django.db import connection, transaction

from wijkverband.audit.models import AuditEvent

GENESIS_HASH = "0" * 64
# Any constant: serialises writers of the chain on PostgreSQL so two rows never share a parent.
_CHAIN_LOCK_KEY = 751_375_130


def audit_record(
    *,
    actor,
    action: str,
    team=None,
    target=None,
    data: dict | None = None,
    on_behalf_of: str = "",
    client_reference: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction of the change it records."""
    # No savepoint of its own: it runs inside the change's transaction, and a failure here fails
    # that change anyway (two queries fewer on every audited write).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=getattr(actor, "email", "") or "",
            on_behalf_of=on_behalf_of,
            action=action,
            team_id=getattr(team, "pk", team),
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            client_reference=client_reference,
            data=data or {},
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
        return event
