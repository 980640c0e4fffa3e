"""The live frame of a notice (the person's open pages get it over their socket)."""

import json

from wijkverband.work.models import NoticeKind, SubjectKind


def dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def notice_frame(*, kind: str, subject, actor) -> str:
    """subject: wijkverband.work.services.Subject."""
    frame = {
        "type": "notification",
        "kind": kind,
        "label": str(NoticeKind(kind).label),
        "actor": (getattr(actor, "name", "") or getattr(actor, "email", "")) if actor is not None else "",
        "team": subject.team.name,
        "title": subject.title[:200],
        "url": subject.path,
        "subject": {"kind": subject.kind, "id": subject.id},
    }
    if subject.kind == SubjectKind.THREAD:
        frame["thread"] = subject.id  # the thread page announces only what is not on screen
    return dumps(frame)
