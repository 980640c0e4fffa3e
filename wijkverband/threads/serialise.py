"""The JSON shapes of messages and events, shared by the HTTP catch-up view and the WebSocket."""

import json

from wijkverband.threads.models import Event, Message


def message_data(message: Message) -> dict:
    deleted = message.deleted_at is not None
    return {
        "id": message.pk,
        "seq": message.seq,
        "author": {"id": message.author_id, "name": message.author.name or message.author.email},
        # A deleted message stays in the flow as a tombstone: its text is gone for everyone.
        "html": "" if deleted else message.body_html,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "deleted_by_author": deleted and message.deleted_by_id == message.author_id,
        "redacted": message.redacted_at is not None,
        "asks_ack": message.asks_ack,
        "client_id": str(message.client_id),
    }


def event_data(event: Event) -> dict:
    """Message events carry the message as it is now; other events carry what was stored."""
    if event.kind.startswith("message."):
        return message_data(event.message)
    return event.data


def event_dict(event: Event) -> dict:
    return {"type": "event", "thread": event.thread_id, "seq": event.seq, "kind": event.kind, "data": event_data(event)}


def dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def display_name(user) -> str:
    """How a person is named to others in live frames (presence, typing, read by)."""
    return getattr(user, "name", "") or getattr(user, "email", "")


def read_by_frame(thread_id: int, readers: list[dict]) -> str:
    """readers: [{"id", "name", "seq"}]: these people have read the thread up to seq."""
    return dumps({"type": "read_by", "thread": thread_id, "readers": readers})
