"""`wv_audit_append`: an audit row appended to its chain in one call (docs/audit.md, "One call").

It locks the chain and reads its head (`wv_audit_chain_head`, 0003), takes the chain's genesis
when it has no row yet (chains.chain_genesis: the anchor is the split event's hash), puts the text
the row is hashed over together (`pieces`, one text cut by the character 31, which JSON text never
holds unescaped: one text parameter costs the client a tenth of an array's; with the head, quoted
as JSON, at `prev_at` and the other `holes` between them: AuditEvent.hash_text, as audit.services writes it out), hashes it and inserts
the row. Its statements are planned once per connection, as PL/pgSQL's are.

Only added: workers of the previous release do not call it, and it writes rows exactly as they do.
"""

from django.db import migrations

GENESIS = "0" * 64

CREATE = f"""
CREATE OR REPLACE FUNCTION wv_audit_append(
    p_chain varchar, p_at timestamptz, p_actor bigint, p_actor_label varchar, p_on_behalf_of varchar,
    p_action varchar, p_team bigint, p_object_type varchar, p_object_id varchar,
    p_client_reference varchar, p_data jsonb, p_pieces text, holes text[], prev_at integer
) RETURNS TABLE (r_id bigint, r_object_id varchar, r_data jsonb, r_prev varchar, r_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    prev varchar := wv_audit_chain_head(p_chain);
    pieces text[] := string_to_array(p_pieces, chr(31));
    content text := pieces[1];
BEGIN
    IF prev IS NULL THEN
        IF p_chain = 'global' THEN
            prev := '{GENESIS}';
        ELSE
            prev := encode(sha256(convert_to('genesis:' || p_chain || ':' || coalesce((
                SELECT a.hash FROM audit_auditevent a
                WHERE a.chain = 'global' AND a.action = 'audit.chains_split' ORDER BY a.id LIMIT 1
            ), '{GENESIS}'), 'UTF8')), 'hex');
        END IF;
    END IF;
    FOR i IN 1 .. coalesce(array_length(holes, 1), 0) LOOP
        IF i = prev_at THEN
            content := content || '"' || prev || '"' || pieces[i + 1];
        ELSE
            -- A hole that read nothing leaves the text, and so the hash, empty: the insert fails.
            content := content || holes[i] || pieces[i + 1];
        END IF;
    END LOOP;
    RETURN QUERY
    INSERT INTO audit_auditevent AS a (
        at, actor_id, actor_label, on_behalf_of, action, team_id, object_type, object_id,
        client_reference, data, chain, prev_hash, hash
    ) VALUES (
        p_at, p_actor, p_actor_label, p_on_behalf_of, p_action, p_team, p_object_type, p_object_id,
        p_client_reference, p_data, p_chain, prev, encode(sha256(convert_to(content, 'UTF8')), 'hex')
    ) RETURNING a.id, a.object_id, a.data, a.prev_hash, a.hash;
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS wv_audit_append(varchar, timestamptz, bigint, varchar, varchar, varchar, bigint, varchar, varchar, varchar, jsonb, text, text[], integer);"


def _on_postgresql(sql: str):
    """A migration step that runs `sql` on PostgreSQL and does nothing elsewhere (SQLite hashes in
    Python, audit.services)."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_per_team")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
