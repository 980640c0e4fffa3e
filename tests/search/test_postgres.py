"""The PostgreSQL side of the search: the migration's frozen documents are the ones the queries
build, the queries use the GIN expression indexes, and a write is searchable in its own transaction."""

import importlib

import pytest
from django.db import connection

from tests.search.conftest import bottleneck, post, thread
from wijkverband.search import documents
from wijkverband.search.query import parse
from wijkverband.search.selectors.backend import matching
from wijkverband.threads.models import Message

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
MIGRATION = importlib.import_module("wijkverband.search.migrations.0001_postgres_full_text_search")


def test_the_migration_indexes_the_documents_the_queries_build():
    assert MIGRATION.DOCUMENTS == documents.DOCUMENTS, "documents.py changed: add a migration that rebuilds its indexes"


@postgres_only
@pytest.mark.django_db
def test_a_search_of_messages_uses_the_full_text_and_trigram_indexes(world):
    post(thread(world), actor=world.carla, body="De medicatie-overdracht bij ontslag")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        queryset = matching(Message.objects.across_teams(), kind="message", query=parse("medicatieoverdracht"))
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_message_fts" in plan and "search_message_trgm" in plan, plan


@postgres_only
@pytest.mark.django_db
def test_every_kind_has_its_two_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%'")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= {f"search_{kind}_{index}" for kind in documents.DOCUMENTS for index in ("fts", "trgm")}


@pytest.mark.django_db(transaction=False)
def test_a_new_item_is_found_inside_the_transaction_that_wrote_it(world):
    from wijkverband.bottlenecks.models import Bottleneck

    b = bottleneck(world, title="Thuiszorgtechnologie ontbreekt")
    found = matching(Bottleneck.objects.across_teams(), kind="bottleneck", query=parse("thuiszorgtechnologie"))
    assert list(found.values_list("pk", flat=True)) == [b.pk]
