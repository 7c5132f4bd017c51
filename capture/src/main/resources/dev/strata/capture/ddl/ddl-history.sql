-- Strata capture's schema history (strata.capture.ddl.history=on): after every DDL command on a table, the
-- table's definition read from the catalogs travels through the WAL as a TRANSACTIONAL logical message
-- (prefix strata.ddl), so capture delivers it in order with the rows. Capture runs this file at startup
-- (CREATE EVENT TRIGGER needs a superuser); a superuser may run it once instead, and capture then only
-- checks that the trigger is there. Re-running it is harmless.
CREATE SCHEMA IF NOT EXISTS strata_capture;
-- capture's own role calls table_definition at startup; the functions read only the catalogs
GRANT USAGE ON SCHEMA strata_capture TO PUBLIC;

-- The JSON of dev.strata.schemas.ddl.TableDefinition (format strata.table-definition, version 1).
CREATE OR REPLACE FUNCTION strata_capture.table_definition(rel oid, tag text) RETURNS json
LANGUAGE sql STABLE AS $def$
SELECT json_build_object(
    'format', 'strata.table-definition', 'version', 1, 'tag', tag,
    'table', n.nspname || '.' || c.relname,
    'columns', (SELECT coalesce(json_agg(json_build_object(
            'attnum', a.attnum, 'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
            'notNull', a.attnotnull, 'default', pg_get_expr(d.adbin, d.adrelid), 'identity', a.attidentity::text,
            'generated', a.attgenerated::text, 'hasMissing', a.atthasmissing,
            'missing', CASE WHEN a.atthasmissing THEN (a.attmissingval::text::text[])[1] END,
            'dropped', a.attisdropped) ORDER BY a.attnum), '[]'::json)
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = c.oid AND a.attnum > 0),
    'primaryKey', (SELECT coalesce(json_agg(a.attname ORDER BY k.ord), '[]'::json)
        FROM pg_constraint p CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = k.attnum
        WHERE p.conrelid = c.oid AND p.contype = 'p'),
    'constraints', (SELECT coalesce(json_agg(json_build_object(
            'name', p.conname, 'type', p.contype::text, 'definition', pg_get_constraintdef(p.oid),
            'references', (SELECT rn.nspname || '.' || rc.relname FROM pg_class rc JOIN pg_namespace rn ON rn.oid = rc.relnamespace
                           WHERE p.contype = 'f' AND rc.oid = p.confrelid)) ORDER BY p.conname), '[]'::json)
        FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype IN ('p', 'u', 'c', 'f', 'x')),
    'indexes', (SELECT coalesce(json_agg(json_build_object('name', ic.relname, 'definition', pg_get_indexdef(i.indexrelid))
            ORDER BY ic.relname), '[]'::json)
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid
          AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conrelid = c.oid AND x.conindid = i.indexrelid)),
    'sequences', (SELECT coalesce(json_agg(json_build_object(
            'column', a.attname, 'sequence', quote_ident(sn.nspname) || '.' || quote_ident(s.relname),
            'identity', dep.deptype = 'i') ORDER BY a.attnum), '[]'::json)
        FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
        JOIN pg_namespace sn ON sn.oid = s.relnamespace
        JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
        WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
          AND dep.refobjid = c.oid AND dep.deptype IN ('a', 'i')),
    -- what an old row carries from here on in the WAL: capture reads it here, in WAL order, not from the catalog later
    'replicaIdentity', c.relreplident::text,
    'replicaIdentityColumns', (SELECT coalesce(json_agg(a.attname ORDER BY a.attnum), '[]'::json)
        FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = c.oid AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident))))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = rel
$def$;

-- One message per table a command created or changed (an index's table for CREATE/ALTER INDEX), in
-- the command's own transaction: it commits, or rolls back, with the DDL. SECURITY DEFINER: it runs
-- for every role's DDL, with its owner's (the installing superuser's) rights. A failure here fails
-- the DDL: a schema change is never committed without its definition in the WAL.
CREATE OR REPLACE FUNCTION strata_capture.on_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    changed record;
BEGIN
    FOR changed IN
        SELECT DISTINCT ON (t.oid) t.oid, cmd.command_tag
        FROM pg_event_trigger_ddl_commands() cmd
        JOIN pg_class o ON cmd.classid = 'pg_class'::regclass AND o.oid = cmd.objid
        LEFT JOIN pg_index i ON i.indexrelid = o.oid
        JOIN pg_class t ON t.oid = CASE WHEN o.relkind IN ('i', 'I') THEN i.indrelid ELSE o.oid END
        WHERE t.relkind IN ('r', 'p') AND t.relpersistence <> 't'
        ORDER BY t.oid
    LOOP
        PERFORM pg_logical_emit_message(true, 'strata.ddl', strata_capture.table_definition(changed.oid, changed.command_tag)::text);
    END LOOP;
END
$fn$;

DO $trigger$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'strata_capture_ddl') THEN
        CREATE EVENT TRIGGER strata_capture_ddl ON ddl_command_end EXECUTE FUNCTION strata_capture.on_ddl();
    END IF;
END
$trigger$;
