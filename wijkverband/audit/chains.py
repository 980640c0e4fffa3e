"""The names of the audit chains and where each one starts.

Every team and every region has a chain of its own (`team:<id>`, `region:<id>`); events that
belong to neither (a person's own settings, the privacy officer's scans) go to `global`. Callers
name the chain through the team or region they already pass to audit_record: the audit app knows
ids, never the tenancy models (it sits below them, docs/architecture.md).

`global` is also the chain every event joined before the split (audit migration 0003): its rows
keep their hashes and start from GENESIS_HASH. That migration closed the old single chain with an
`audit.chains_split` event; every newer chain starts from a genesis made of its own name and the
hash of that event, so each chain is anchored to the history before it, and removing or changing
the anchor breaks every chain at its first row.
"""

import hashlib

GENESIS_HASH = "0" * 64
GLOBAL = "global"
SPLIT_ACTION = "audit.chains_split"


def team_chain(team_id) -> str:
    return f"team:{int(team_id)}"


def region_chain(region_id) -> str:
    return f"region:{int(region_id)}"


def chain_genesis(chain: str, anchor: str | None) -> str:
    """The prev_hash of a chain's first event. `anchor`: the hash of the split event, if any."""
    if chain == GLOBAL:
        return GENESIS_HASH
    return hashlib.sha256(f"genesis:{chain}:{anchor or GENESIS_HASH}".encode()).hexdigest()
