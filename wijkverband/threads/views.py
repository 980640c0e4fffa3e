"""Thread pages. They work without JavaScript (plain forms); with it, threads.js makes them live."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wijkverband.core import same_name
from wijkverband.core.clientdata import mask_client_data
from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.once import sent_once
from wijkverband.core.paging import list_page
from wijkverband.realtime.codes import ERROR_STATUS
from wijkverband.tenancy.entry import team_view
from wijkverband.threads import selectors, services
from wijkverband.threads.access import access_message, access_thread
from wijkverband.threads.forms import EditForm, PostForm, RedactForm, ThreadForm
from wijkverband.threads.live import DISCUSSION_ANCHOR, live_config, live_strings, subject_url
from wijkverband.threads.models import SubjectKind
from wijkverband.threads.policy import thread_rights
from wijkverband.threads.serialise import message_data

#: The thread list shows this many threads a page, the most recently active first.
PAGE_SIZE = 40
# The list page follows at most this many threads (the most recently active) live; below the
# socket's subscription limit (REALTIME_MAX_SUBSCRIPTIONS, 50).
LIST_FOLLOW_LIMIT = 40
#: A thread opened at a message (?at=<seq>) shows this many messages after it.
AT_CONTEXT = 10


def _thread_url(thread, message=None) -> str:
    url = reverse("thread_detail", kwargs={"team_slug": thread.team.slug, "thread_id": thread.pk})
    return f"{url}#message-{message.pk}" if message is not None else url


def _message_url(thread, message) -> str:
    """The page that holds `message` (?at=, as notices link), at the message: after editing,
    deleting or confirming one on a page of older messages, or leaving its edit, delete or history
    page, the person is back where it is. The thread's own address holds only the newest 200, so
    "#message-<id>" alone landed at the top of a page without it."""
    return f"{_thread_url(thread)}?at={message.seq}#message-{message.pk}"


@team_view
@require_http_methods(["GET", "POST"])
@sent_once(asks_again=False)  # core/same_name.py asks
def thread_list(request):
    team, rights = request.team, request.rights
    form = ThreadForm(request.POST or None)
    warning = None  # a discussion of this title there already (core.same_name)
    if request.method == "POST":
        if not rights.can_contribute:
            raise PermissionDenied
        if form.is_valid():
            warning = _same_title(form, team=team, rights=rights)
        if form.is_valid():
            try:
                thread = services.thread_create(actor=request.user, team=team, **form.cleaned_data)
            except ActionRefused as refused:
                add_refusal(form, refused)
            else:
                flash.success(request, _("Thread “%(title)s” has been opened.") % {"title": thread.title})
                return redirect(_thread_url(thread))
    page, elsewhere = list_page(request, selectors.team_threads(user=request.user, team=team, rights=rights), PAGE_SIZE)
    if elsewhere is not None and request.method == "GET":
        return redirect(elsewhere)
    threads = list(page.object_list)
    # Each thread's newest message, as a chat app's list shows it (one query for the page).
    previews = selectors.thread_previews(team=team, thread_ids=[t.pk for t in threads])
    for thread in threads:
        thread.preview = previews.get(thread.pk)
    unread = (
        selectors.team_unread_total(user=request.user, team=team, rights=rights) if page.has_other_pages() else None
    )
    context = {
        "team": team,
        "rights": rights,
        "threads": threads,
        "page": page,
        # every listed thread's unread messages, also those on other pages
        "unread_total": sum(t.unread for t in threads) if unread is None else unread,
    }
    if request.method == "GET" and request.GET.get("part") == "table":
        # thread_list.js asks for this when a thread it follows changed (unread counts, live).
        return render(request, "threads/_thread_table.html", context)
    context["form"] = form
    context["same_name"] = warning
    # The list follows its threads over the socket (without presence): an event or the person's
    # own read marker moving makes it fetch the table again. Nothing is sent per member.
    context["list_live"] = {
        "user": request.user.pk,
        # It also watches the team: a post in a thread of another page moves it up and changes
        # the total of unread messages, which counts every page (thread_list.js).
        "team": team.pk,
        "threads": [{"id": t.pk, "seq": t.seq} for t in threads[:LIST_FOLLOW_LIMIT]],
    }
    return render(request, "threads/thread_list.html", context, status=400 if request.method == "POST" else 200)


def _same_title(form, *, team, rights) -> same_name.SameName | None:
    """A discussion of this title in the team already: said at the title, linked, until the person
    goes on anyway (core.same_name)."""
    title = form.cleaned_data["title"]
    threads = selectors.same_title_topics(team=team, rights=rights, title=title)
    return same_name.stop_first_send(
        form,
        field="title",
        name=title,
        items=[(thread.title, _thread_url(thread)) for thread in threads],
        message=_("There is already a thread with this title in this team."),
        go_on_label=_("Start a new thread anyway"),
    )


def _detail_context(request, team, rights, thread, trights, form=None, before=None) -> dict:
    page = selectors.thread_page(thread=thread, user=request.user, before=before)
    return {
        "team": team,
        "rights": rights,
        "thread": thread,
        "trights": trights,
        "page": page,
        "form": form or PostForm(),
        "live": live_config(request, team=team, thread=thread, trights=trights, page=page),
        "strings": live_strings(),
        # The agreement or bottleneck this discussion is about (its page checks access itself).
        "subject_url": subject_url(thread) if thread.subject_kind != SubjectKind.TOPIC else None,
    }


def _bad_address(request, problem: str):
    """A link with a part that cannot be read: the site's page that says so (a bare line of text
    on a white page was all there was)."""
    return render(request, "400.html", {"problem": problem}, status=400)


@team_view
@require_GET
def thread_detail(request, thread_id):
    team, rights = request.team, request.rights
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    trights = thread_rights(rights=rights, thread=thread)
    before = request.GET.get("before") or None
    if before is not None and (not before.isdigit() or len(before) > 18):
        return _bad_address(request, _("The page of earlier messages in this link cannot be read."))
    at = request.GET.get("at") or None
    if before is None and at is not None:
        # Open around one message (a search result, a link): the page that ends a few messages
        # after it, so it is there however far back; the anchor (#message-<id>) lands on it. A
        # message on the thread's own page (its newest 200) opens that page, live: a confirmation
        # or an edit there came back to a page of older messages, not live, without the composer.
        if not at.isdigit() or len(at) > 18:
            return _bad_address(request, _("The message this link points to cannot be read."))
        if int(at) + AT_CONTEXT < thread.seq and not selectors.on_newest_page(thread=thread, seq=int(at)):
            before = str(int(at) + AT_CONTEXT + 1)
    context = _detail_context(request, team, rights, thread, trights, before=int(before) if before else None)
    new = request.GET.get("new", "")
    if before is not None and new.isdigit() and len(new) < 19:
        # From "Lees vanaf het eerste nieuwe bericht": the line above the first new message, as on
        # the newest page (the read marker has moved on since that page was opened).
        context["page"].first_unread_seq = int(new)
    # Seeing the page is reading it: the marker moves to the newest event shown.
    page = context["page"]
    if page.before is None:
        seen = thread.seq
    else:
        seen = page.messages[-1].message.seq if page.messages else 0
    services.read_marker_set(actor=request.user, thread=thread, seq=seen)
    return render(request, "threads/thread_detail.html", context)


@team_view
@require_POST
def thread_post(request, thread_id):
    team, rights = request.team, request.rights
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    trights = thread_rights(rights=rights, thread=thread)
    if not trights.can_post:
        raise PermissionDenied
    form = PostForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            result = services.message_post(
                actor=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                asks_ack=form.cleaned_data["asks_ack"],
            )
        except ActionRefused as refused:
            add_refusal(form, refused, default="body")
            status = ERROR_STATUS.get(refused.code, 400)
        else:
            if _wants_json(request):
                return JsonResponse(result.ack)
            if request.POST.get("return_to") == "subject" and thread.subject_id is not None:
                # Posted from the agreement's or bottleneck's own page: back there, at the discussion.
                return redirect(subject_url(thread) + "#" + DISCUSSION_ANCHOR)
            return redirect(_thread_url(thread, result.message))
    if _wants_json(request):
        # The page's outbox, posting while its socket is away (threads.js): it says why at once.
        return _form_errors_json(form, status)
    context = _detail_context(request, team, rights, thread, trights, form=form)
    # Sent from the agreement's or bottleneck's page, the person arrives on a page they did not
    # open: the error summary says why and takes the focus, as every other form's does, and a
    # second send goes back to that page.
    context["from_subject"] = request.POST.get("return_to") == "subject" and thread.subject_id is not None
    return render(request, "threads/thread_detail.html", context, status=status)


@team_view
@require_GET
def thread_events(request, thread_id):
    """HTTP catch-up, the same events a subscribe replays: ?after=<seq>."""
    team = request.team
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    after = request.GET.get("after", "0")
    if not after.isdigit() or len(after) > 18:
        return JsonResponse(
            {"type": "error", "code": "invalid", "detail": _("after must be a sequence number.")}, status=400
        )
    replay = selectors.thread_events_after(thread=thread, after=int(after))
    if replay.reset:
        return JsonResponse({"type": "reset", "thread": thread.pk, "seq": replay.head})
    return JsonResponse({"thread": thread.pk, "seq": replay.head, "events": replay.events})


@team_view
@require_POST
def thread_read(request, thread_id):
    team = request.team
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    seq = request.POST.get("seq", "")
    if not seq.isdigit() or len(seq) > 18:
        return JsonResponse(
            {"type": "error", "code": "invalid", "detail": _("seq must be a sequence number.")}, status=400
        )
    marker = services.read_marker_set(actor=request.user, thread=thread, seq=int(seq))
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"thread": thread.pk, "seq": marker})
    return redirect(_thread_url(thread))


@team_view
@require_POST
def thread_settings(request, thread_id):
    team = request.team
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    opened = request.POST.get("open_to_representatives") == "on"
    try:
        services.thread_set_open_to_representatives(actor=request.user, thread=thread, open_to_representatives=opened)
    except ActionRefused as refused:
        flash.error(request, refused.message)
    else:
        flash.success(
            request,
            _("Client representatives may now read this thread.")
            if opened
            else _("Client representatives no longer read this thread."),
        )
    return redirect(_thread_url(thread))


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _form_errors_json(form, status: int) -> JsonResponse:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse({"type": "error", "errors": errors}, status=status)


@team_view
@require_http_methods(["GET", "POST"])
def message_edit(request, thread_id, message_id):
    """The edit page (without JavaScript); threads.js edits in place through the same URL with
    Accept: application/json (GET: the text to edit; POST: the message as it is now)."""
    team, rights = request.team, request.rights
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    trights = thread_rights(rights=rights, thread=thread)
    message = access_message(user=request.user, team=team, thread=thread, message_id=message_id)
    if not (trights.can_post and message.author_id == request.user.pk) or message.is_deleted:
        raise PermissionDenied
    form = EditForm(request.POST or None, initial={"body": message.body})
    status = 200
    if request.method == "GET" and _wants_json(request):
        return JsonResponse({"message": message.pk, "body": message.body})
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                message = services.message_edit(actor=request.user, message=message, body=form.cleaned_data["body"])
            except ActionRefused as refused:
                add_refusal(form, refused, default="body")
                status = ERROR_STATUS.get(refused.code, 400)
            else:
                if _wants_json(request):
                    return JsonResponse({"message": message_data(message)})
                flash.success(request, _("Your message has been changed."))
                return redirect(_message_url(thread, message))
        if _wants_json(request):
            return _form_errors_json(form, status)
    return render(
        request,
        "threads/message_edit.html",
        {
            "team": team,
            "rights": rights,
            "thread": thread,
            "message": message,
            "form": form,
            "back": _message_url(thread, message),
        },
        status=status,
    )


@team_view
@require_http_methods(["GET", "POST"])
def message_redact(request, thread_id, message_id):
    """Take client data out of a message and every earlier version of it (author or coordinator)."""
    team, rights = request.team, request.rights
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    message = access_message(user=request.user, team=team, thread=thread, message_id=message_id)
    if message.is_deleted or not services.may_redact(
        thread_rights(rights=rights, thread=thread), message, request.user
    ):
        raise PermissionDenied
    form = RedactForm(request.POST or None, initial={"body": mask_client_data(message.body)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.message_redact(
                    actor=request.user,
                    message=message,
                    body=form.cleaned_data["body"],
                    reason=form.cleaned_data["reason"],
                )
            except ActionRefused as refused:
                add_refusal(form, refused, default="body")
                status = ERROR_STATUS.get(refused.code, 400)
            else:
                flash.success(request, _("The client data has been removed from the message and its history."))
                return redirect(_message_url(thread, message))
    return render(
        request,
        "threads/message_redact.html",
        {
            "team": team,
            "rights": rights,
            "thread": thread,
            "message": message,
            "form": form,
            "back": _message_url(thread, message),
        },
        status=status,
    )


@team_view
@require_http_methods(["GET", "POST"])
def message_delete(request, thread_id, message_id):
    """GET asks first (the page without JavaScript; threads.js asks in a dialog); POST deletes.

    A message is never deleted by one click: the Delete link only opens the question."""
    team, rights = request.team, request.rights
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    trights = thread_rights(rights=rights, thread=thread)
    message = access_message(user=request.user, team=team, thread=thread, message_id=message_id)
    if request.method == "GET":
        if message.is_deleted:
            return redirect(_message_url(thread, message))
        if not ((trights.can_post and message.author_id == request.user.pk) or trights.can_moderate):
            raise PermissionDenied
        return render(
            request,
            "threads/message_delete.html",
            {
                "team": team,
                "rights": rights,
                "thread": thread,
                "trights": trights,
                "message": message,
                "back": _message_url(thread, message),
            },
        )
    try:
        message = services.message_delete(actor=request.user, message=message)
    except ActionRefused as refused:
        if _wants_json(request):
            return JsonResponse({"type": "error", "code": refused.code, "detail": str(refused.message)}, status=400)
        flash.error(request, refused.message)
    else:
        if _wants_json(request):
            return JsonResponse({"message": message_data(message)})
        flash.success(request, _("The message has been deleted."))
    return redirect(_message_url(thread, message))


@team_view
@require_POST
def message_ack(request, thread_id, message_id):
    """Confirm a message. Without JavaScript the form leads back to the message; threads.js confirms
    in place with Accept: application/json (the answer is what the ack.added event carries), so what
    is being written in the composer stays."""
    team = request.team
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    message = access_message(user=request.user, team=team, thread=thread, message_id=message_id)
    try:
        services.message_acknowledge(actor=request.user, message=message)
    except ActionRefused as refused:
        if _wants_json(request):
            return JsonResponse({"type": "error", "code": refused.code, "detail": str(refused.message)}, status=400)
        flash.error(request, refused.message)
    else:
        if _wants_json(request):
            user = request.user
            return JsonResponse(
                {"ack": {"message": message.pk, "user": {"id": user.pk, "name": user.name or user.email}}}
            )
        flash.success(request, _("Confirmed."))
    return redirect(_message_url(thread, message))


@team_view
@require_GET
def message_history(request, thread_id, message_id):
    team, rights = request.team, request.rights
    thread = access_thread(user=request.user, team=team, thread_id=thread_id)
    message = access_message(user=request.user, team=team, thread=thread, message_id=message_id)
    revisions = [] if message.is_deleted else selectors.message_revisions(message=message)
    return render(
        request,
        "threads/message_history.html",
        {
            "team": team,
            "rights": rights,
            "thread": thread,
            "message": message,
            "revisions": revisions,
            "back": _message_url(thread, message),
        },
    )
