from django.db import connection, transaction

from wijkverband.audit.models import AuditEvent

GENESIS_HASH = "0" * 64
# Any constant: serialises writers of the chain on PostgreSQL so two rows never share a parent.
_CHAIN_LOCK_KEY = 751_375_130


def _chain_head() -> str | None:
    """The hash of the last event, with the chain locked until this transaction ends.

    On PostgreSQL one statement (migration audit 0002): the advisory lock serialises writers, so
    two events never share a parent. SQLite serialises writers by itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT wv_audit_chain_head(%s)", [_CHAIN_LOCK_KEY])
            return cursor.fetchone()[0]
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()


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
    """Append one event to the chain. Call inside the transaction of the change it records.

    The chain stays locked from here until that transaction ends, for every team: call it as the
    last write of the change, so the lock is held as briefly as possible.
    """
    # No savepoint of its own: it runs inside the change's transaction, and a failure here fails
    # that change anyway (two queries fewer on every audited write).
    with transaction.atomic(savepoint=False):
        last = _chain_head()
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
