import functools
import re
import secrets

from django.db import connection, router, transaction
from django.db.models import signals

from wijkverband.audit.chains import GLOBAL, SPLIT_ACTION, chain_genesis, region_chain, team_chain
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

    On PostgreSQL the row is one call of `wv_audit_append`: it locks the chain, reads the chain's
    head and hashes the row in SQL, with the same content and the same hash as
    AuditEvent.compute_hash (the verification's), so an audited write is one round trip to the
    database, not two (docs/audit.md, "One call"). Elsewhere the head (and any `Later`) is read
    first, and the row hashed here and inserted.
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
            statement = _Append(event, later, target_id)
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


class _Append(rows.Statement):
    """The audit row as one call of `wv_audit_append` (PostgreSQL, migration audit 0004): it locks the
    chain, reads its head (or takes its genesis), hashes the row and inserts it.

    The text hashed is AuditEvent.hash_text's, written here with a marker where the head goes (and
    each `Later`), and sent in pieces; the function puts them together around the head it read.
    The pieces are JSON already (json.dumps' escapes, all ASCII); what goes between them is a
    64-digit hex hash or a whole number, which JSON writes as PostgreSQL's `::text` does. So the
    hash is the one AuditEvent.compute_hash, and the verification, take.
    """

    def __init__(self, event: AuditEvent, later: list[Later], target_id: Later | None):
        token = secrets.token_hex(8)
        # A marker per place: `s` where the text has a JSON string (the head, the object's id), `n`
        # where it has a number (a value of data). Each Later is a column of the `later` row.
        names: dict[str, str | None] = {f"@@wv:{token}:sprev@@": None}
        number = {id(value): n for n, value in enumerate(later)}
        object_id_sql = "%s::varchar"
        if target_id is not None:
            n = number[id(target_id)]
            event.object_id = f"@@wv:{token}:s{n}@@"
            names[event.object_id] = f"later.l{n}"
            object_id_sql = f"later.l{n}::varchar"
        # The data stored: its plain values as they are, each `Later` added by the database.
        data, plain, later_keys = {}, {}, {}
        for key, value in event.data.items():
            if isinstance(value, Later):
                n = later_keys[key] = number[id(value)]
                data[key] = f"@@wv:{token}:n{n}@@"
                names[data[key]] = f"later.l{n}"
            else:
                data[key] = plain[key] = value
        event.data, event.prev_hash = data, f"@@wv:{token}:sprev@@"
        pieces, holes = _pieces(event.hash_text(), names)
        data_sql = "%s::jsonb"
        data_params = [AuditEvent._meta.get_field("data").get_db_prep_save(plain, connection=connection)]
        if later_keys:
            pairs = ", ".join(f"%s::text, later.l{n}" for n in later_keys.values())
            data_sql = f"(%s::jsonb || jsonb_build_object({pairs}))"
            data_params += list(later_keys)
        holes_sql = ", ".join("NULL" if hole is None else hole for hole in holes)
        call = (
            "wv_audit_append(%s::varchar, %s::timestamptz, %s::bigint, %s::varchar, %s::varchar, %s::varchar,"
            f" %s::bigint, %s::varchar, {object_id_sql}, %s::varchar, {data_sql}, %s::text,"
            f" ARRAY[{holes_sql}]::text[], %s::integer)"
        )
        at = AuditEvent._meta.get_field("at").get_db_prep_save(event.at, connection=connection)
        params = [
            event.chain, at, event.actor_id, event.actor_label, event.on_behalf_of, event.action, event.team_id,
            event.object_type, *([] if target_id is not None else [event.object_id]), event.client_reference,
            *data_params, _CUT.join(pieces), holes.index(None) + 1,
        ]  # fmt: skip
        if later:
            columns = ", ".join(f"({value.sql}) AS l{n}" for n, value in enumerate(later))
            self.sql = f"SELECT appended.* FROM (SELECT {columns}) AS later, {call} AS appended"  # noqa: S608 - Later's SQL is our code's
            params = [param for value in later for param in value.params] + params
        else:
            self.sql = f"SELECT * FROM {call}"  # noqa: S608 - the parameters are bound
        self.params, self.event = params, event
        self.using = router.db_for_write(AuditEvent)
        # What rows.Insert sends before an insert (the client-data guard listens to every model).
        signals.pre_save.send(sender=AuditEvent, instance=event, raw=False, using=self.using, update_fields=None)

    def read(self, cursor, connection):
        event = self.event
        values = rows.convert_row(cursor.fetchone(), _returning_columns(), connection)
        for name, value in zip(_RETURNED, values, strict=True):
            setattr(event, name, value)
        event._state.db, event._state.adding = self.using, False
        signals.post_save.send(
            sender=AuditEvent, instance=event, created=True, update_fields=None, raw=False, using=self.using
        )
        self.result = event
        return event


_RETURNED = ("id", "object_id", "data", "prev_hash", "hash")


@functools.cache
def _returning_columns() -> tuple:
    meta = AuditEvent._meta
    return tuple(meta.get_field(name).get_col(meta.db_table) for name in _RETURNED)


#: What the hashed text's pieces are sent joined with (wv_audit_append cuts them apart again): JSON
#: text holds no control character unescaped.
_CUT = "\x1f"

#: A marker as it stands in JSON text (with its quotes). The token differs from call to call; one
#: pattern for all of them (compiled once, not per token).
_MARKER = re.compile(r'"(@@wv:[0-9a-f]{16}:[sn][a-z0-9]+@@)"')


def _pieces(text: str, names: dict[str, str | None]) -> tuple[list[str], list[str | None]]:
    """`text` cut at each of our markers (with the quotes JSON put around it): the pieces between
    them, and for each marker the SQL of what goes there: None for the head (the function puts it
    there), a `Later`'s column as a JSON string for an `s` marker or as a JSON number for an `n`
    one. A marker of another token (someone's text that looks like one) stays text."""
    if _CUT in text:
        raise ValueError("audit_record: the hashed text holds a control character (not JSON's escapes)")
    pieces, holes, literal = [], [], []
    for number, piece in enumerate(_MARKER.split(text)):
        if number % 2 == 0 or piece not in names:
            literal.append(piece if number % 2 == 0 else f'"{piece}"')
            continue
        pieces.append("".join(literal))
        literal = []
        column = names[piece]
        if column is None:
            holes.append(None)
        elif piece.split(":")[2].startswith("s"):
            holes.append(f"'\"' || {column}::text || '\"'")
        else:
            holes.append(f"{column}::text")
    pieces.append("".join(literal))
    if len(holes) != sum(f'"{marker}"' in text for marker in names):
        raise ValueError("audit_record: a marker is repeated in the hashed text")
    return pieces, holes
