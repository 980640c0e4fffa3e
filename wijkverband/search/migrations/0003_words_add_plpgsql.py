"""`search_words_add` in PL/pgSQL (PostgreSQL only): its statement planned once per connection.

Every searchable write adds its words in its trigger (`PERFORM search_words_add(...)`, 0002). As a
function in SQL, called that way, PostgreSQL parsed and planned its INSERT again on every call:
102 µs of PostgreSQL's CPU per call, 36 µs in PL/pgSQL, which keeps the plan for the connection
(5,000 calls of a chat message's text in a loop, each version twice; bench/realtime/README.md, "A
twenty-seventh machine"). A post over the socket pays it once, inside its batch. The same words,
the same `ON CONFLICT DO NOTHING`.
"""

from django.db import migrations

PLPGSQL = (
    "CREATE OR REPLACE FUNCTION search_words_add(text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO search_word (word) SELECT w FROM search_words($1) AS w ON CONFLICT DO NOTHING; END $$"
)
SQL = (
    "CREATE OR REPLACE FUNCTION search_words_add(text) RETURNS void LANGUAGE sql AS $$ "
    "INSERT INTO search_word (word) SELECT w FROM search_words($1) AS w ON CONFLICT DO NOTHING $$"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLPGSQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_word_list")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
