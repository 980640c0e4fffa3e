"""Metrics of the task worker and the mail outbox, read from the database at scrape time.

Jobs and mails run in the task worker (manage.py qcluster), a process nobody scrapes: a counter
there would never be seen. Its outcome is in the database anyway (the outbox, django-q's failed
tasks, the worker's own counts), so /metrics reads it there, on whichever web process Prometheus
asks. A few indexed counts per scrape. Alerts on these: docs/operations.md.
"""

from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily


class WorkCollector:
    def collect(self):
        from django_q.models import Failure, OrmQ

        from wijkverband.work.models import Mail, WorkerCount
        from wijkverband.work.selectors import worker_count

        now = timezone.now()
        # A mail the server refused for good is done (its coordinator was told): it waits for nothing.
        unsent = Mail.objects.filter(sent_at__isnull=True, refused_at__isnull=True)
        failing = GaugeMetricFamily(
            "wijkverband_mail_failing", "Unsent e-mails whose last attempt failed (waiting for a retry)."
        )
        failing.add_metric([], unsent.filter(attempts__gt=0).count())
        yield failing
        # Waiting since it was first due, which is when it was written (the outbox sends a mail at
        # once): a failed attempt moves `send_after` to its retry, so measured from there a mail
        # server that refused every attempt for hours looked like a wait of under a minute, and
        # "e-mail stuck" never fired. A mail that failed waits, also between its retries.
        oldest = unsent.filter(Q(send_after__lte=now) | Q(attempts__gt=0)).aggregate(oldest=Min("created_at"))["oldest"]
        overdue = GaugeMetricFamily(
            "wijkverband_mail_overdue_seconds",
            "How long the oldest unsent e-mail has waited since it was due, retries included (0: none waits).",
        )
        overdue.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield overdue
        # Counted in the database by the worker that sends (mail.mail_send): a counter in its own
        # memory was never scraped, and read 0 on every web process.
        send_failures = CounterMetricFamily(
            "wijkverband_mail_send_failures", "Attempts to send an e-mail that failed (each is retried later)."
        )
        send_failures.add_metric([], worker_count(name=WorkerCount.MAIL_SEND_FAILURES))
        yield send_failures
        failures = CounterMetricFamily(
            "wijkverband_task_failures",
            "Background jobs that failed (django-q's stored failures), by job.",
            labels=["func"],
        )
        for row in Failure.objects.values("func").annotate(n=Count("id")).order_by("func"):
            failures.add_metric([row["func"]], row["n"])
        yield failures
        queued = GaugeMetricFamily("wijkverband_task_queue", "Background jobs waiting for a worker.")
        queued.add_metric([], OrmQ.objects.count())
        yield queued
