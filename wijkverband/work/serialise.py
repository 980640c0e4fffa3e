"""The live frame of a notice (the person's open pages get it over their socket)."""

import json
from collections.abc import Callable

from wijkverband.work.models import NoticeKind, SubjectKind

#: Notices that say what happened in one sentence naming the item (never free text), such as a
#: discussion's "Carla de Wit noemde je in “Medicatieoverdracht”": kind -> a function giving the
#: translated "%(actor)s … “%(title)s”". The feature app that makes the notices registers them
#: (its catalogue has the words); other kinds read "actor · what · title".
_SENTENCES: dict[str, Callable[[], str]] = {}


def dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def register_notice_sentence(kind: str, sentence: Callable[[], str]) -> None:
    _SENTENCES[kind] = sentence


def notice_sentence(*, kind: str, actor_name: str, title: str) -> str | None:
    """The one-sentence text of a notice, or None for kinds without one."""
    sentence = _SENTENCES.get(kind)
    return sentence() % {"actor": actor_name, "title": title} if sentence else None


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
