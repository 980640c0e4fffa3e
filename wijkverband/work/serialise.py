"""The live frame of a notice (the person's open pages get it over their socket)."""

import json

from django.utils.translation import gettext as _

from wijkverband.work.models import NoticeKind, SubjectKind

#: Notices of discussions say what happened in one sentence that names the thread (never the
#: message): "Carla de Wit noemde je in “Medicatieoverdracht”".
_SENTENCES = {
    NoticeKind.MENTION: lambda: _("%(actor)s mentioned you in “%(title)s”"),
    NoticeKind.ACK_REQUEST: lambda: _("%(actor)s asks you to confirm a message in “%(title)s”"),
    NoticeKind.ACTIVITY: lambda: _("%(actor)s wrote in your thread “%(title)s”"),
}


def notice_sentence(*, kind: str, actor_name: str, title: str) -> str | None:
    """The one-sentence text of a discussion's notice, or None for the other kinds."""
    sentence = _SENTENCES.get(kind)
    return sentence() % {"actor": actor_name, "title": title} if sentence else None


def dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def notice_frame(*, kind: str, subject, actor) -> str:
    """subject: wijkverband.work.services.Subject."""
    actor_name = (getattr(actor, "name", "") or getattr(actor, "email", "")) if actor is not None else ""
    frame = {
        "type": "notification",
        "kind": kind,
        "label": str(NoticeKind(kind).label),
        "actor": actor_name,
        "team": subject.team.name,
        "title": subject.title[:200],
        "url": subject.path,
        "subject": {"kind": subject.kind, "id": subject.id},
    }
    if subject.kind == SubjectKind.THREAD:
        frame["thread"] = subject.id  # the thread page announces only what is not on screen
    return dumps(frame)
