"""Whether a person has a second factor (an authenticator app or a security key).

Who must have one depends on their roles, so that rule and its middleware live a layer up, in
wijkverband.tenancy.second_factor.
"""

import functools

from allauth.mfa.models import Authenticator


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


@functools.cache
def second_factor_exists_sql(person: str = "%s") -> tuple[str, tuple[str, ...]]:
    """has_second_factor as SQL for a query that asks more in one trip (the socket's handshake):
    `EXISTS(...)` with one %s for the user's id first, then the returned parameters. With `person`
    (the SQL of the person's id in the surrounding query, say a column) only the returned ones."""
    meta = Authenticator._meta
    user, kind = meta.get_field("user").column, meta.get_field("type").column
    types = ", ".join(["%s"] * len(SECOND_FACTOR_TYPES))
    sql = f"EXISTS(SELECT 1 FROM {meta.db_table} WHERE {user} = {person} AND {kind} IN ({types}))"  # noqa: S608 - names from the model
    return sql, tuple(str(t) for t in SECOND_FACTOR_TYPES)
