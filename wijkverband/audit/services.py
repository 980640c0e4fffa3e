import functools
from collections.abc import Callable

from django.db import connection, transaction

from wijkverband.audit.chains import GLOBAL, SPLIT_ACTION, chain_genesis, region_chain, team_chain
from wijkverband.audit.models import AuditEvent
from wijkverband.core import rows
from wijkverband.core.metrics import CHAIN_LOCK_WAIT, timed


def _chain_head(chain: str, along: tuple = ()) -> str | None:
    """The hash of the chain's last event, with that chain locked until this transaction ends.

    On PostgreSQL one statement (migration audit 0003): a per-chain advisory lock serialises the
    writers of one chain, so two of its events never share a parent, while writers of other
    chains go on. SQLite serialises every writer by itself. `along`: statements of the change
    sent in the same round trip, before it (wijkverband.core.rows.run); the wait measured
    includes them.
    """
    with timed(CHAIN_LOCK_WAIT, kind=chain.split(":", 1)[0]):
        return rows.run(*along, _head_statement(chain))[-1]


def _head_statement(chain: str) -> rows.Value:
    if connection.vendor == "postgresql":
        return rows.Value("SELECT wv_audit_chain_head(%s::varchar)", [chain])
    return rows.Value(_last_hash_sql(), [chain])


@functools.cache
def _last_hash_sql() -> str:
    meta, quote = AuditEvent._meta, connection.ops.quote_name
    chain, hash_, pk = (quote(meta.get_field(name).column) for name in ("chain", "hash", "id"))
    return f"SELECT {hash_} FROM {quote(meta.db_table)} WHERE {chain} = %s ORDER BY {pk} DESC LIMIT 1"  # noqa: S608 - names from the model


def audit_anchor() -> str | None:
    """The hash every chain but the global one starts from (wijkverband.audit.chains)."""
    return (
        AuditEvent.objects.filter(chain=GLOBAL, action=SPLIT_ACTION)
        .order_by("id")
        .values_list("hash", flat=True)
        .first()
    )


def audit_record(
    *,
    actor,
    action: str,
    team=None,
    region=None,
    target=None,
    data: dict | Callable[[], dict] | None = None,
    on_behalf_of: str = "",
    client_reference: str = "",
    along: tuple = (),
) -> AuditEvent:
    """Append one event to its chain. Call inside the transaction of the change it records.

    The chain is the team's when a team (or its id) is given, else the region's when a region is,
    else the global one. That chain stays locked from here until the transaction ends: call this
    as the last write of the change, so the lock is held as briefly as possible. Writers in other
    teams and regions never wait for it.

    `along`: the change's own last statements (wijkverband.core.rows: an insert, a look-up), sent to
    the database in the same round trip as the chain's head and run before it; their results are
    on them afterwards. The hot path of a post sends its number, message, event and a notice
    check this way. `data` may then be a function that gives the data once they have run.
    """
    team_id = getattr(team, "pk", team)
    region_id = getattr(region, "pk", region)
    if team_id is not None:
        chain = team_chain(team_id)
    elif region_id is not None:
        chain = region_chain(region_id)
    else:
        chain = GLOBAL
    # No savepoint of its own: it runs inside the change's transaction, and a failure here fails
    # that change anyway (two queries fewer on every audited write).
    with transaction.atomic(savepoint=False):
        last = _chain_head(chain, along)
        event = AuditEvent(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=getattr(actor, "email", "") or "",
            on_behalf_of=on_behalf_of,
            action=action,
            team_id=team_id,
            chain=chain,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            client_reference=client_reference,
            data=(data() if callable(data) else data) or {},
            prev_hash=last or chain_genesis(chain, audit_anchor()),
        )
        event.hash = event.compute_hash()
        # Written out once (wijkverband.core.rows): every audited write, on every post. A new row,
        # so AuditEvent.save's refusal of a change does not apply.
        return rows.insert(event)
