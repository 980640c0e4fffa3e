"""The PostgreSQL side of the search: the migration's frozen documents are the ones the queries
build, the queries use the GIN expression indexes, and a write is searchable in its own transaction."""

import importlib

import pytest
from django.db import connection

from tests.search.conftest import bottleneck, post, thread
from wijkverband.core.textsearch import documents
from wijkverband.core.textsearch.backend import corrected, matching
from wijkverband.core.textsearch.query import parse
from wijkverband.threads.models import Message

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
MIGRATIONS = [
    importlib.import_module(f"wijkverband.search.migrations.{name}")
    for name in ("0001_postgres_full_text_search", "0002_word_list")
]


def test_the_migrations_index_the_documents_the_queries_build():
    for migration in MIGRATIONS:
        assert migration.DOCUMENTS == documents.DOCUMENTS, "documents.py changed: add a migration for its indexes"


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
@pytest.mark.django_db
def test_a_search_of_messages_uses_the_full_text_index_also_for_a_corrected_typo(world):
    post(thread(world), actor=world.carla, body="De medicatie-overdracht bij ontslag")
    messages = Message.objects.across_teams()
    exact = _plan(matching(messages, kind="message", query=parse("medicatieoverdracht")))
    assert "search_message_fts" in exact, exact
    typo = corrected(parse("medicatieoverdrcht"))
    # The hyphenated word joined is in the list; the correction is searched with its parts.
    assert typo.terms[0].similar[0] == "medicatieoverdracht"
    assert "search_message_fts" in _plan(matching(messages, kind="message", query=typo))
    assert matching(messages, kind="message", query=typo).count() == 1


def _words(*candidates) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM search_word WHERE word = ANY(%s)", [list(candidates)])
        return {row[0] for row in cursor.fetchall()}


@postgres_only
@pytest.mark.django_db
def test_every_write_adds_its_words_to_the_list_in_its_own_transaction(world):
    post(thread(world), actor=world.carla, body="De Zwaluwstaartvlinder en de **Ijsvogeltjes** op het plein")
    bottleneck(world, title="Kapotte rolstoelhelling", description="Bij de Cliëntenraadzaal")
    # Folded (no accents, lower case), letters and digits, at least four long ("het", "de" are not).
    assert _words("zwaluwstaartvlinder", "ijsvogeltjes", "plein", "kapotte", "rolstoelhelling", "clientenraadzaal") == {
        "zwaluwstaartvlinder", "ijsvogeltjes", "plein", "kapotte", "rolstoelhelling", "clientenraadzaal",
    }  # fmt: skip
    assert _words("het", "op") == set()


@postgres_only
@pytest.mark.django_db
def test_the_words_are_added_by_a_function_whose_plan_the_connection_keeps(world):
    """PL/pgSQL keeps its statement's plan per connection; as SQL, called from the triggers, the
    INSERT was parsed and planned on every write (migration 0003)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
            " WHERE p.proname = 'search_words_add'"
        )
        assert cursor.fetchall() == [("plpgsql",)]
    body = "Overdrachtsformulier voor de wijkverpleging"
    post(thread(world), actor=world.carla, body=body)
    post(thread(world), actor=world.carla, body=body)  # the same words again: nothing to add, no error
    assert _words("overdrachtsformulier", "wijkverpleging") == {"overdrachtsformulier", "wijkverpleging"}


@postgres_only
@pytest.mark.django_db
def test_the_prune_drops_the_words_of_deleted_texts_and_keeps_the_others(world):
    from wijkverband.search.services import search_words_prune
    from wijkverband.threads import services as thread_services

    t = thread(world)
    gone = post(t, actor=world.carla, body="Eenmaligwoord staat hier en overleg ook")
    post(t, actor=world.carla, body="Ander overleg")
    thread_services.message_delete(actor=world.carla, message=gone)
    assert _words("eenmaligwoord", "overleg") == {"eenmaligwoord", "overleg"}
    assert search_words_prune() >= 1
    assert _words("eenmaligwoord", "overleg") == {"overleg"}
    # A typo of the deleted word is no longer "corrected" to it.
    assert corrected(parse("eenmaligwoort")) is None


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
def test_every_kind_has_its_full_text_index_and_no_trigram_index_left():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%'")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= {f"search_{kind}_fts" for kind in documents.DOCUMENTS} | {"search_word_trgm"}
    assert not {f"search_{kind}_trgm" for kind in documents.DOCUMENTS} & names  # 0002 dropped them


@pytest.mark.django_db(transaction=False)
def test_a_new_item_is_found_inside_the_transaction_that_wrote_it(world):
    from wijkverband.bottlenecks.models import Bottleneck

    b = bottleneck(world, title="Thuiszorgtechnologie ontbreekt")
    found = matching(Bottleneck.objects.across_teams(), kind="bottleneck", query=parse("thuiszorgtechnologie"))
    assert list(found.values_list("pk", flat=True)) == [b.pk]
