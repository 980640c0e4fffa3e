from wijkverband.audit.models import AuditEvent
from wijkverband.audit.services import GENESIS_HASH


def audit_chain_verify() -> AuditEvent | None:
    """The first event whose content or link does not match the chain, or None when intact."""
    expected_prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev or event.compute_hash() != event.hash:
            return event
        expected_prev = event.hash
    return None
