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


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
@pytest.mark.django_db
def test_a_search_of_messages_uses_the_full_text_index_and_a_typo_the_trigram_index(world):
    post(thread(world), actor=world.carla, body="De medicatie-overdracht bij ontslag")
    messages = Message.objects.across_teams()
    exact = _plan(matching(messages, kind="message", query=parse("medicatieoverdracht")))
    assert "search_message_fts" in exact and "search_message_trgm" not in exact, exact
    fuzzy = _plan(matching(messages, kind="message", query=parse("medicatieoverdrcht"), fuzzy=True))
    assert "search_message_trgm" in fuzzy, fuzzy


@postgres_only
@pytest.mark.django_db
def test_the_trigger_keeps_the_vector_current_on_every_write(world):
    message = post(thread(world), actor=world.carla, body="Eerste versie")
    Message.objects.filter(pk=message.pk).update(body="Tweede tekst over de huisartsenpost")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM threads_message WHERE id = %s", [message.pk])
        vector = cursor.fetchone()[0]
    assert "huisartsenpost" in vector and "eerst" not in vector


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
