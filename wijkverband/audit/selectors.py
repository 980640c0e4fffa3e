from dataclasses import dataclass

from django.apps import apps

from wijkverband.audit.chains import chain_genesis
from wijkverband.audit.models import AuditEvent
from wijkverband.audit.services import audit_anchor


@dataclass(frozen=True)
class ChainCheck:
    chain: str
    events: int  # events read in this chain (up to and including the broken one)
    broken: AuditEvent | None  # the first event whose content or link does not match


def audit_chains_verify() -> list[ChainCheck]:
    """Every chain, each checked on its own: ordered by name, the broken ones with their first bad
    event. One pass over the log in id order, in chunks; memory grows with the number of chains,
    not of events."""
    anchor = audit_anchor()
    expected: dict[str, str] = {}
    counts: dict[str, int] = {}
    broken: dict[str, AuditEvent] = {}
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        chain = event.chain
        if chain in broken:
            continue
        counts[chain] = counts.get(chain, 0) + 1
        prev = expected.get(chain) or chain_genesis(chain, anchor)
        if event.prev_hash != prev or event.compute_hash() != event.hash:
            broken[chain] = event
            continue
        expected[chain] = event.hash
    return [ChainCheck(chain, counts[chain], broken.get(chain)) for chain in sorted(counts)]


def audit_chain_verify() -> AuditEvent | None:
    """The first broken event of any chain (lowest id), or None when every chain is intact."""
    broken = [check.broken for check in audit_chains_verify() if check.broken is not None]
    return min(broken, key=lambda event: event.pk, default=None)


@dataclass(frozen=True)
class ClientDataPlace:
    """Where client data was found: never what."""

    model: str  # "threads.Message"
    pk: object
    field: str
    kind: str  # "bsn" or "birth_date"


def client_data_places():
    """Every stored text of ours that holds client data (the guard's fields, plus the texts it does
    not check on save but that people wrote: CLIENT_DATA_SCAN), one place at a time.

    For the privacy officer's scan (manage.py client_data_scan). Reads every team's rows, in
    chunks, without holding them in memory.
    """
    from wijkverband.core.clientdata import find_client_data
    from wijkverband.core.guard import GUARDED_PACKAGE, guarded_fields

    for model in apps.get_models():
        if not model.__module__.startswith(GUARDED_PACKAGE):
            continue
        names = [f.attname for f in guarded_fields(model)]
        names += [model._meta.get_field(name).attname for name in getattr(model, "CLIENT_DATA_SCAN", ())]
        if not names:
            continue
        # Every team's rows: the privacy officer's scan is the one read of them all.
        rows = model._base_manager.order_by("pk").values_list("pk", *names)
        for pk, *values in rows.iterator(chunk_size=2000):
            for name, value in zip(names, values, strict=True):
                if isinstance(value, str) and value:
                    for finding in find_client_data(value)[:1]:
                        yield ClientDataPlace(model._meta.label, pk, name.removesuffix("_id"), finding.kind)
