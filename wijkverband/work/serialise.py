"""The live frame of a notice (the person's open pages get it over their socket)."""

import json
from collections.abc import Callable

from wijkverband.work.models import NoticeKind, SubjectKind

#: Notices that say what happened in one sentence naming the item (never free text), such as a
#: discussion's "Carla de Wit noemde je in “Medicatieoverdracht”": kind -> a function giving the
#: translated "%(actor)s … “%(title)s”". The feature app that makes the notices registers them
#: (its catalogue has the words); other kinds read "actor · what · title".
_SENTENCES: dict[str, Callable[[], str]] = {}


#: Items whose notices name them by words of ours rather than their own title ("Signaal #4": a
#: signal's own words never go into a notice): subject kind -> a function of the item's id giving
#: that name in the language of the moment. The stored title was in the language of whoever made
#: the notice, so an English page read "Signaal #4".
_SUBJECT_TITLES: dict[str, Callable[[int], str]] = {}


def register_subject_title(subject_kind: str, title: Callable[[int], str]) -> None:
    _SUBJECT_TITLES[subject_kind] = title


def shown_title(*, subject_kind: str, subject_id: int | None, title: str) -> str:
    """A notice's title as the reader reads it."""
    name = _SUBJECT_TITLES.get(subject_kind)
    return name(subject_id) if name is not None and subject_id is not None else title


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
