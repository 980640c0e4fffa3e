"""Running the task queue by hand, for tests that turn off the tests' at-once mode."""

import contextlib

from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.signing import SignedPackage
from django_q.tasks import async_task  # noqa: F401 - imported for the monkeypatch target's module


@contextlib.contextmanager
def queued_tasks():
    """Jobs go into the queue (the database) instead of running at once, as in production."""
    before = Conf.SYNC
    Conf.SYNC = False
    try:
        yield
    finally:
        Conf.SYNC = before


def run_queued_tasks() -> int:
    """Run every job waiting in the queue, in order, as a worker would. Returns how many ran."""
    from importlib import import_module

    broker = get_broker()
    ran = 0
    while True:
        taken = broker.dequeue()
        if not taken:
            return ran
        for task_id, payload in taken:
            task = SignedPackage.loads(payload)
            module, name = task["func"].rsplit(".", 1) if isinstance(task["func"], str) else (None, None)
            func = getattr(import_module(module), name) if module else task["func"]
            func(*task.get("args", ()), **task.get("kwargs", {}))
            broker.acknowledge(task_id)
            ran += 1


def send_outbox() -> int:
    """The worker's step for mail: send what waits in the outbox, as the minute sweep does.

    A mail is written in the transaction of what caused it and its task queued after the commit;
    a test inside one rolled-back transaction has no commit, so it runs this step by hand (a test
    that commits for real sees the task run at once, Q_CLUSTER["sync"]). Returns how many went out."""
    from wijkverband.work.services.mail import mails_send_due

    return mails_send_due()
