"""Metrics of the task worker and the mail outbox, read from the database at scrape time.

Jobs and mails run in the task worker (manage.py qcluster), a process nobody scrapes: a counter
there would never be seen. Its outcome is in the database anyway (the outbox, django-q's failed
tasks), so /metrics reads it there, on whichever web process Prometheus asks. A few indexed
counts per scrape. Alerts on these: docs/operations.md.
"""

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily


class WorkCollector:
    def collect(self):
        from django_q.models import Failure, OrmQ

        from wijkverband.work.models import Mail

        now = timezone.now()
        unsent = Mail.objects.filter(sent_at__isnull=True)
        failing = GaugeMetricFamily(
            "wijkverband_mail_failing", "Unsent e-mails whose last attempt failed (waiting for a retry)."
        )
        failing.add_metric([], unsent.filter(attempts__gt=0).count())
        yield failing
        oldest = unsent.filter(send_after__lte=now).aggregate(oldest=Min("send_after"))["oldest"]
        overdue = GaugeMetricFamily(
            "wijkverband_mail_overdue_seconds",
            "How long the oldest e-mail that is due has waited to be sent (0: none waits).",
        )
        overdue.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
        yield overdue
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
