"""The live frame of a notice (the person's open pages get it over their socket)."""

import json
from collections.abc import Callable

from django.utils.translation import gettext as _

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


#: Notices whose title is a phrase of ours rather than an item's title (someone left the team: "3 open
#: bottlenecks need a new owner"): the notice stores the phrase's name and its values (Notice.params:
#: {"phrase": name, "count": 3, ...}), and the phrase is written as it is read, in the reader's
#: language of the moment. phrase name -> a function of those values. The feature app that makes
#: the notices registers its phrases (its catalogue has the words). Before, the sentence was stored
#: in the language the recipient had when it was made: after the switch they read Dutch and English.
_PHRASES: dict[str, Callable[[dict], str]] = {}


def register_subject_title(subject_kind: str, title: Callable[[int], str]) -> None:
    _SUBJECT_TITLES[subject_kind] = title


def register_notice_phrase(phrase: str, words: Callable[[dict], str]) -> None:
    _PHRASES[phrase] = words


def phrase_known(params: dict | None) -> bool:
    """params name no phrase, or one that is registered (a notice is never made with one that is not)."""
    return not params or "phrase" not in params or params["phrase"] in _PHRASES


def shown_title(*, subject_kind: str, subject_id: int | None, title: str, params: dict | None = None) -> str:
    """A notice's title as the reader reads it: its phrase (params) or an item's name in words of
    ours (a signal) in the language of the moment, else the item's own title as stored. A row whose
    values do not fit its phrase (made before the phrase changed) shows the words stored with it."""
    words = _PHRASES.get(params.get("phrase")) if params else None
    if words is not None:
        try:
            return words(params)
        except (KeyError, TypeError, ValueError):
            return title
    name = _SUBJECT_TITLES.get(subject_kind)
    return name(subject_id) if name is not None and subject_id is not None else title


def title_in_words_of_ours(*, subject_kind: str, params: dict | None = None) -> bool:
    """Whether the title depends on the reader's language (so a live frame is written per language)."""
    return bool(params and params.get("phrase") in _PHRASES) or subject_kind in _SUBJECT_TITLES


#: On whom a reminder's request waits, when not on the person reminded (Notice.params "waits_on",
#: set by work.services.reminders): the region (an escalation its overseers and administrators
#: answer), or an organisation (an endorsement any of its people give, "name": its name).
WAITS_ON_REGION = "region"
WAITS_ON_ORGANISATION = "organisation"


def notice_label(*, kind: str, params: dict | None = None) -> str:
    """What happened, as a notice without a sentence says it ("Herinnering: wacht nog op jou"), in
    the language of the moment: a reminder says on whom its request waits when that is not the
    reader (an escalation waits on the region, not on each overseer)."""
    waits_on = (params or {}).get("waits_on")
    if kind == NoticeKind.REMINDER and waits_on == WAITS_ON_REGION:
        return _("Reminder: still waiting on the region")
    if kind == NoticeKind.STILL_WAITING and waits_on == WAITS_ON_REGION:
        return _("Still waiting on the region after two reminders")
    if kind == NoticeKind.STILL_WAITING and waits_on == WAITS_ON_ORGANISATION and params.get("name"):
        return _("Still waiting on %(name)s after two reminders") % {"name": params["name"]}
    return str(NoticeKind(kind).label)


def dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def register_notice_sentence(kind: str, sentence: Callable[[], str]) -> None:
    _SENTENCES[kind] = sentence


def notice_sentence(*, kind: str, actor_name: str, title: str) -> str | None:
    """The one-sentence text of a notice, or None for kinds without one."""
    sentence = _SENTENCES.get(kind)
    return sentence() % {"actor": actor_name, "title": title} if sentence else None


def _actor_name(actor) -> str:
    return (getattr(actor, "name", "") or getattr(actor, "email", "")) if actor is not None else ""


def reads_by_label(*, kind: str, actor) -> bool:
    """Whether a notice says what happened by its label ("Wacht na twee herinneringen nog steeds op
    de regio · “…”"), as the notifications page shows it: not one with a sentence and someone to
    name in it (Notice.sentence; the open page has the sentences among its strings)."""
    return not (_actor_name(actor) and kind in _SENTENCES)


def frame_in_words_of_ours(*, kind: str, subject_kind: str, actor, params: dict | None = None) -> bool:
    """Whether a live frame has words that depend on the reader's language: a title in words of ours,
    or the label it is read by (so it is written per language)."""
    return title_in_words_of_ours(subject_kind=subject_kind, params=params) or reads_by_label(kind=kind, actor=actor)


def notice_frame(*, kind: str, subject, actor, params: dict | None = None) -> str:
    """subject: wijkverband.work.services.Subject. In the language of the moment: the caller writes
    it in the recipients' (work.services.notices_create), as the notices page would.

    A notice read by its label carries it, and the open page says "label · “title”" as the
    notifications page does (threads.js noticeText); one with a sentence is said by the page's own
    sentence for its kind, so its frame needs no label, nor writing per language on a post's path."""
    actor_name = _actor_name(actor)
    title = shown_title(subject_kind=subject.kind, subject_id=subject.id, title=subject.title, params=params)
    frame = {
        "type": "notification",
        "kind": kind,
        "actor": actor_name,
        "team": subject.team.name,
        "title": title[:200],
        "url": subject.path,
        "subject": {"kind": subject.kind, "id": subject.id},
    }
    if reads_by_label(kind=kind, actor=actor):
        frame["label"] = notice_label(kind=kind, params=params)
    if subject.kind == SubjectKind.THREAD:
        frame["thread"] = subject.id  # the thread page announces only what is not on screen
    return dumps(frame)
