"""Background work: django-q2 with its database broker (docs/work.md).

Jobs are rows in the database until a worker has run them, so a worker that restarts loses none
(a job it held is handed out again after Q_CLUSTER["retry"] seconds), and every job is safe to run
twice: mail goes through the outbox, whose unique keys send nothing twice. Periodic jobs are
django-q schedules; a schedule row is locked while it is handed out, so with several workers each
run happens once (wijkverband.work.schedules).
"""

import contextlib
import logging
import threading

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_q.tasks import async_task

logger = logging.getLogger(__name__)

_here = threading.local()


@contextlib.contextmanager
def jobs_at_once():
    """Inside, `enqueue_in_transaction` runs its job at once, in the caller's transaction, as the
    tests do. For `seed_demo`: the notices its posts make then exist before its transaction ends,
    where `work.services.mail.mail_withheld` marks them as mailed; run after the commit (make run)
    or in the worker (with Redis), they came too late, and the demo's mention was mailed."""
    previous = getattr(_here, "at_once", False)
    _here.at_once = True
    try:
        yield
    finally:
        _here.at_once = previous


def enqueue(func: str, *args) -> None:
    """Run func(*args) in the task worker (at once in tests, where Q_CLUSTER["sync"] is set).

    Called after a commit: a failure here is logged and never undoes the change; the periodic
    jobs pick up what was left (mail in the outbox, reminders, digests).
    """
    try:
        async_task(func, *args)
    except Exception:  # noqa: BLE001
        logger.warning("work: could not queue %s", func, exc_info=True)


def enqueue_in_transaction(func: str, *args) -> None:
    """Queue func(*args) as part of the caller's transaction (the ORM broker writes a row in it): the
    job exists exactly when the change committed, so a crash between the commit and the queueing
    cannot lose it. A failure to queue fails the change, which the caller may retry.

    In tests (Q_CLUSTER["sync"]) the job runs at once, inside the transaction. Without Redis
    (settings.TASKS_PUSH_IN_PROCESS: make run's one process) it runs after the commit in this
    process, the only one that can reach the open pages. Inside `jobs_at_once`, at once."""
    if getattr(_here, "at_once", False):
        import_string(func)(*args)
        return
    if settings.TASKS_PUSH_IN_PROCESS:
        job = import_string(func)
        transaction.on_commit(lambda: _run_here(func, job, args))
        return
    async_task(func, *args)


def _run_here(name: str, job, args: tuple) -> None:
    try:
        job(*args)
    except Exception:  # noqa: BLE001 - the post is stored; a failed notice must not fail the request
        logger.exception("work: %s failed in process", name)
