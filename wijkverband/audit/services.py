import functools
import json
import re
import secrets

from django.db import connection, transaction

from wijkverband.audit.chains import GENESIS_HASH, GLOBAL, SPLIT_ACTION, chain_genesis, region_chain, team_chain
from wijkverband.audit.models import AuditEvent
from wijkverband.core import rows
from wijkverband.core.metrics import CHAIN_LOCK_WAIT, timed


class Later:
    """A whole number the database knows only once the change's own statements ran, such as a
    post's number and its message's id (numbered in the same round trip, `along`). `sql` is a
    query of one row and one column, read in the audit row's own statement: a value of `data`,
    or `target_id`, may be one."""

    __slots__ = ("params", "sql")

    def __init__(self, sql: str, params: list | tuple = ()):
        self.sql, self.params = sql, list(params)

    def __repr__(self) -> str:
        return f"Later({self.sql!r}, {self.params!r})"


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
    target_id: Later | None = None,
    data: dict | None = None,
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
    the database in the same round trip as the audit row and run before it; their results are on
    them afterwards. The hot path of a post sends its number, message, event and a notice check
    this way. What the event names but only those statements make (the message's id, its number)
    is given as `Later`: `target_id`, or values of `data`.

    On PostgreSQL the row is one statement: it locks the chain, reads the chain's head and hashes
    the row in SQL, with the same content and the same hash as AuditEvent.compute_hash (the
    verification's), so an audited write is one round trip to the database, not two
    (docs/audit.md, "One statement"). Elsewhere the head (and any `Later`) is read first, and the
    row hashed here and inserted.
    """
    team_id = getattr(team, "pk", team)
    region_id = getattr(region, "pk", region)
    if team_id is not None:
        chain = team_chain(team_id)
    elif region_id is not None:
        chain = region_chain(region_id)
    else:
        chain = GLOBAL
    if target is not None and target.pk is None and target_id is None:
        raise ValueError("audit_record: an unsaved target needs its id as target_id (Later)")
    later = [target_id] if target_id is not None else []
    later += [value for value in (data or {}).values() if isinstance(value, Later)]
    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=getattr(actor, "email", "") or "",
        on_behalf_of=on_behalf_of,
        action=action,
        team_id=team_id,
        chain=chain,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target_id is None else "",
        client_reference=client_reference,
        data=data or {},
    )
    # No savepoint of its own: it runs inside the change's transaction, and a failure here fails
    # that change anyway (two queries fewer on every audited write).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            statement = _ChainedInsert(event, later, target_id)
            with timed(CHAIN_LOCK_WAIT, kind=chain.split(":", 1)[0]):
                return rows.run(*along, statement)[-1]
        read = rows.Row(f"SELECT ({_last_hash_sql()}){''.join(f', ({v.sql})' for v in later)}", [chain])
        read.params += [param for value in later for param in value.params]
        # Written out once (wijkverband.core.rows). A new row, so AuditEvent.save's refusal of a
        # change does not apply.
        with timed(CHAIN_LOCK_WAIT, kind=chain.split(":", 1)[0]):
            last, *known = rows.run(*along, read)[-1]
        if None in known:
            raise ValueError(f"audit_record: a Later value read nothing ({later})")
        _fill(event, dict(zip(map(id, later), known, strict=True)), target_id)
        event.prev_hash = last or chain_genesis(chain, audit_anchor())
        event.hash = event.compute_hash()
        return rows.insert(event)


def _fill(event: AuditEvent, known: dict, target_id: Later | None) -> None:
    """The event with each `Later` replaced by what the database read for it (by identity)."""
    if target_id is not None:
        event.object_id = str(known[id(target_id)])
    event.data = {key: known[id(v)] if isinstance(v, Later) else v for key, v in event.data.items()}


@functools.cache
def _last_hash_sql() -> str:
    meta, quote = AuditEvent._meta, connection.ops.quote_name
    chain, hash_, pk = (quote(meta.get_field(name).column) for name in ("chain", "hash", "id"))
    return f"SELECT {hash_} FROM {quote(meta.db_table)} WHERE {chain} = %s ORDER BY {pk} DESC LIMIT 1"  # noqa: S608 - names from the model


class _ChainedInsert(rows.Statement):
    """The audit row as one PostgreSQL statement (audit_record): its chain locked and its head read
    by `wv_audit_chain_head` (migration audit 0003), the genesis when the chain has no row yet,
    each `Later` read, and the hash taken in SQL over the very text AuditEvent.compute_hash hashes.

    That text is AuditEvent.hash_text with a marker where the head (and each `Later`) goes; the
    statement puts the text's pieces back together around what it read. The pieces are JSON
    already (json.dumps' escapes, all ASCII); what goes between them is a 64-digit hex hash, or a
    whole number, which JSON writes as PostgreSQL's `::text` does.
    """

    def __init__(self, event: AuditEvent, later: list[Later], target_id: Later | None):
        token = secrets.token_hex(8)
        # A marker per place: `s` where the text has a JSON string (the head, the object's id), `n`
        # where it has a number (a value of data).
        names = {f"@@wv:{token}:sprev@@": "head.prev"}
        number = {id(value): n for n, value in enumerate(later)}
        if target_id is not None:
            marker = f"@@wv:{token}:s{number[id(target_id)]}@@"
            names[marker] = f"head.later{number[id(target_id)]}"
            event.object_id = marker
        data, data_later = {}, False
        for key, value in event.data.items():
            if isinstance(value, Later):
                marker = f"@@wv:{token}:n{number[id(value)]}@@"
                names[marker] = f"head.later{number[id(value)]}"
                value, data_later = marker, True
            data[key] = value
        event.data = data
        event.prev_hash = f"@@wv:{token}:sprev@@"
        hash_sql, hash_params = _joined(event.hash_text(), names, token)
        computed = {"prev_hash": "head.prev", "hash": f"encode(sha256(convert_to({hash_sql}, 'UTF8')), 'hex')"}
        own_params = {"hash": hash_params}
        if target_id is not None:
            computed["object_id"] = f"{names[event.object_id]}::text"
        if data_later:
            data_sql, own_params["data"] = _joined(json.dumps(data), names, token)
            computed["data"] = f"({data_sql})::jsonb"
        self.insert = rows.Insert(event)
        insert_sql, kept = self.insert.select_from("head", computed)
        head_sql, head_params = _head_sql(event.chain, later)
        self.sql = f"WITH head AS MATERIALIZED ({head_sql}) {insert_sql} RETURNING {_returning()}"
        self.params = head_params + _in_field_order(self.insert, computed, kept, own_params)
        self.using = self.insert.using

    def read(self, cursor, connection):
        values = rows.convert_row(cursor.fetchone(), _returning_columns(), connection)
        self.result = self.insert.finished(**dict(zip(_RETURNED, values, strict=True)))
        return self.result


_RETURNED = ("id", "object_id", "data", "prev_hash", "hash")


@functools.cache
def _returning_columns() -> tuple:
    meta = AuditEvent._meta
    return tuple(meta.get_field(name).get_col(meta.db_table) for name in _RETURNED)


@functools.cache
def _returning() -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(column.target.column) for column in _returning_columns())


def _head_sql(chain: str, later: list[Later]) -> tuple[str, list]:
    """The head of the chain (or its genesis), locked, and each `Later`: one row."""
    if chain == GLOBAL:
        genesis, genesis_params = "%s::text", [GENESIS_HASH]
    else:
        # chain_genesis, in SQL: the anchor is read only for a chain's first row.
        genesis = (
            "encode(sha256(convert_to('genesis:' || %s::text || ':' || coalesce(("
            f"{_anchor_sql()}), %s::text), 'UTF8')), 'hex')"
        )
        genesis_params = [chain, GLOBAL, SPLIT_ACTION, GENESIS_HASH]
    columns = [f"coalesce(wv_audit_chain_head(%s::varchar), {genesis}) AS prev"]
    columns += [f"({value.sql}) AS later{n}" for n, value in enumerate(later)]
    params = [chain, *genesis_params, *(param for value in later for param in value.params)]
    return f"SELECT {', '.join(columns)}", params


@functools.cache
def _anchor_sql() -> str:
    meta, quote = AuditEvent._meta, connection.ops.quote_name
    chain, action, hash_, pk = (quote(meta.get_field(name).column) for name in ("chain", "action", "hash", "id"))
    return f"SELECT {hash_} FROM {quote(meta.db_table)} WHERE {chain} = %s AND {action} = %s ORDER BY {pk} LIMIT 1"  # noqa: S608 - names from the model


def _joined(text: str, names: dict[str, str], token: str) -> tuple[str, list]:
    """`text` as a SQL text expression, each marker in it (with the quotes JSON put around it)
    replaced by its column: quoted again for an `s` marker, bare for an `n` marker."""
    pieces = re.split(f'"(@@wv:{token}:[sn][a-z0-9]+@@)"', text)
    if sorted(pieces[1::2]) != sorted(marker for marker in names if marker in text):
        raise ValueError("audit_record: a marker is missing from the hashed text or repeated in it")
    sql, params = [], []
    for number, piece in enumerate(pieces):
        if number % 2 == 0:
            sql.append("%s::text")
            params.append(piece)
        elif piece.startswith(f"@@wv:{token}:s"):
            sql.append(f"'\"' || {names[piece]}::text || '\"'")
        else:
            sql.append(f"{names[piece]}::text")
    return " || ".join(sql), params


def _in_field_order(insert: rows.Insert, computed: dict, kept: list, own: dict) -> list:
    """The INSERT … SELECT's parameters: the kept values of the plain fields, and each computed
    field's own parameters where its expression stands."""
    params, kept = [], iter(kept)
    for field in insert.fields:
        if field.attname in computed:
            params += own.get(field.attname, [])
        else:
            params.append(next(kept))
    return params
