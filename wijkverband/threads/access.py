"""Resolving thread and message ids from input (URLs, WebSocket frames) into objects.

Shape: access_<noun>(*, user, team, <noun>_id), see wijkverband.tenancy.access: filtered by team
and by what the person may read, and one Http404 for "does not exist" and "not yours". The socket
knows only a thread id: `access_stream_thread` finds the thread's team first, then asks the same
questions.
"""

import functools

from django.db import connection
from django.http import Http404

from wijkverband.core import rows
from wijkverband.core.ids import parse_id
from wijkverband.tenancy.models import Region, Team
from wijkverband.tenancy.policy import (
    TeamRights,
    rights_from_rows,
    rights_params,
    rights_statement,
    team_rights,
    team_rights_fresh,
)
from wijkverband.threads.models import Message, Thread
from wijkverband.threads.policy import ThreadRights, sees_closed_threads, thread_rights


def access_thread(*, user, team: Team, thread_id) -> Thread:
    pk = parse_id(thread_id)
    thread = Thread.objects.for_team(team).filter(pk=pk).first() if pk else None
    if thread is None:
        raise Http404
    thread.team = team
    if not thread_rights(rights=team_rights(user=user, team=team), thread=thread).can_read:
        raise Http404
    return thread


def access_message(*, user, team: Team, thread: Thread, message_id) -> Message:
    pk = parse_id(message_id)
    message = (
        Message.objects.for_team(team).select_related("author").filter(thread=thread, pk=pk).first() if pk else None
    )
    if message is None or not thread_rights(rights=team_rights(user=user, team=team), thread=thread).can_read:
        raise Http404
    message.thread = thread
    return message


def access_stream_thread(*, user, thread_id, fresh: bool = True) -> tuple[Thread, TeamRights, ThreadRights]:
    """For the socket, which gets a bare thread id: the thread, in whichever team it is.

    With fresh=True the rights are read from the database, in the thread's statement; otherwise the
    answers cached on this user object may be reused (the socket refreshes them every few seconds).
    """
    pk = parse_id(thread_id)
    # Any team's thread by id; the rights below decide, with the same 404 as a missing one.
    thread, rights = _stream_thread(pk, rights_of=user if fresh else None) if pk else (None, None)
    if thread is None:
        raise Http404
    if rights is None:
        rights = team_rights(user=user, team=thread.team)
    trights = thread_rights(rights=rights, thread=thread)
    if not trights.can_read:
        raise Http404
    return thread, rights, trights


def _stream_thread(pk: int, *, rights_of=None) -> tuple[Thread | None, TeamRights | None]:
    """The thread of this id with its team and the team's region, as the ORM's
    `select_related("team__region")` reads them, in one statement written out once per process and
    prepared (wijkverband.core.rows). A post from someone who has not posted in the last few
    seconds, which is how people post, reads it: the ORM built that three-model query anew each
    time, about a third of such a post's CPU in the worker (docs/realtime.md, "Cost of a post").

    With `rights_of` (a user) the same statement reads that person's rights on the thread's team,
    read anew as team_rights_fresh reads them (tenancy.policy.rights_statement): one trip, not two."""
    sql, columns, roles = _stream_thread_full_sql(connection.vendor, rights_of is not None)
    params = (
        [pk] if rights_of is None else [*rights_params(user=rights_of, team_key=pk, region_key=pk, roles=roles), pk]
    )
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not found:
        return None, None
    thread, team, region = rows.instances(found[0], columns, (Thread, Team, Region), connection)
    team.region = region
    thread.team = team
    if rights_of is None:
        return thread, None
    rights = rights_from_rows(user=rights_of, team=team, found=(row[len(columns) :] for row in found), fresh=True)
    return thread, rights


@functools.cache
def _stream_thread_full_sql(vendor: str, with_rights: bool) -> tuple[str, tuple, tuple[str, ...]]:
    """The SELECT of _stream_thread, its columns (`Col`s, for the ORM's conversions), and with the
    rights the roles rights_params needs."""
    quote = connection.ops.quote_name
    columns, names = rows.model_columns(connection, (Thread, "t"), (Team, "m"), (Region, "r"))
    thread, team, region = Thread._meta, Team._meta, Region._meta
    joined, roles = "", ()
    if with_rights:
        rights, roles = rights_statement(**_team_and_region_of_thread())
        names += ", wp.kind, wp.value"
        joined = f" LEFT JOIN ({rights}) wp ON 1 = 1"
    sql = (
        f"SELECT {names} FROM {quote(thread.db_table)} t"  # noqa: S608 - names from the models only
        f" JOIN {quote(team.db_table)} m ON m.{quote(team.pk.column)} = t.{quote(thread.get_field('team').column)}"
        f" JOIN {quote(region.db_table)} r ON r.{quote(region.pk.column)} = m.{quote(team.get_field('region').column)}"
        f"{joined} WHERE t.{quote(thread.pk.column)} = %s"
    )
    return sql, columns, roles


def _team_and_region_of_thread() -> dict[str, str]:
    """rights_statement's `team_id` and `region_id` for a thread's id (its one parameter)."""
    quote = connection.ops.quote_name
    thread, team = Thread._meta, Team._meta
    by_id = f"FROM {quote(thread.db_table)} WHERE {quote(thread.pk.column)} = %s"  # noqa: S608 - names from the models only
    return {
        "team_id": f"(SELECT {quote(thread.get_field('team').column)} {by_id})",
        "region_id": (
            f"(SELECT wm.{quote(team.get_field('region').column)} FROM {quote(team.db_table)} wm"  # noqa: S608 - as above
            f" WHERE wm.{quote(team.pk.column)} = (SELECT {quote(thread.get_field('team').column)} {by_id}))"
        ),
    }


def access_stream_team(*, user, team_id) -> bool:
    """For the socket's watch of a team's thread list, which gets a bare team id: whether the person
    reads every thread of the team (True) or only those opened to representatives (False). A team
    whose threads they do not see raises the same Http404 as one that does not exist. Read anew."""
    pk = parse_id(team_id)
    team = Team.objects.select_related("region").filter(pk=pk).first() if pk else None
    if team is None:
        raise Http404
    rights = team_rights_fresh(user=user, team=team)
    if not rights.can_view:
        raise Http404
    return sees_closed_threads(rights)


def access_stream_rights(*, user, thread_id) -> ThreadRights:
    """access_stream_thread's answer for a subscribe, which needs only the rights: the same Http404
    and the same ThreadRights, read from the database now, in two queries written out once per
    process (the thread's access fields and team, then tenancy.policy.team_rights_fresh) instead of
    building a three-model ORM query on every subscribe (docs/realtime.md, "Reconnect storm")."""
    return access_stream_bare(user=user, thread_id=thread_id)[1]


def access_stream_bare(*, user, thread_id) -> tuple[Thread, ThreadRights]:
    """access_stream_rights, with the thread as its query reads it: a bare Thread of its id, its
    team (id and region) and the fields its rights depend on; enough for a read marker, which after
    a restart every page in view sends, nothing to show. One statement, with the person's rights on
    the thread's team read anew in it (tenancy.policy.rights_statement): every subscribe asks it."""
    pk = parse_id(thread_id)
    found = []
    if pk:
        sql, roles = _stream_bare_sql()
        with rows.prepared_cursor(connection) as cursor:
            cursor.execute(sql, [*rights_params(user=user, team_key=pk, region_key=pk, roles=roles), pk])
            found = cursor.fetchall()
    if not found:
        raise Http404
    team_id, region_id, opened, internal, escalated = found[0][:5]
    team = Team(pk=team_id, region_id=region_id)  # what the rights read needs (the region loads if asked)
    thread = Thread(
        pk=pk, team=team, open_to_representatives=bool(opened), internal=bool(internal), escalated=bool(escalated)
    )
    rights = rights_from_rows(user=user, team=team, found=(row[5:] for row in found), fresh=True)
    trights = thread_rights(rights=rights, thread=thread)
    if not trights.can_read:
        raise Http404
    return thread, trights


@functools.cache
def _stream_bare_sql() -> tuple[str, tuple[str, ...]]:
    thread, team = Thread._meta, Team._meta
    columns = ", ".join(
        [f"t.{thread.get_field('team').column}", f"m.{team.get_field('region').column}"]
        + [f"t.{thread.get_field(name).column}" for name in ("open_to_representatives", "internal", "escalated")]
    )
    rights, roles = rights_statement(**_team_and_region_of_thread())
    sql = (
        f"SELECT {columns}, wp.kind, wp.value FROM {thread.db_table} t"  # noqa: S608 - names from the models only
        f" JOIN {team.db_table} m ON m.{team.pk.column} = t.{thread.get_field('team').column}"
        f" LEFT JOIN ({rights}) wp ON 1 = 1 WHERE t.{thread.pk.column} = %s"
    )
    return sql, roles
