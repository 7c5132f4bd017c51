package dev.strata.capture.tables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Makes the publication publish exactly its {@link PublicationShape}, before the engine starts
 * (Debezium runs with {@code publication.autocreate.mode=disabled}: it neither creates nor alters it).
 * A publication of another shape is dropped and created anew in ONE transaction: logical decoding reads
 * publications as of each change's position in the WAL, so the changes before that commit are decoded
 * with the old publication and the ones after with the new, and there is no position without one.
 * (PostgreSQL cannot turn a list of tables into all tables with ALTER PUBLICATION.)
 */
final class PublicationSetup {
    private static final String PUBLICATION_SQL = "SELECT oid, puballtables FROM pg_publication WHERE pubname = ?";
    private static final String SCHEMAS_SQL = """
            SELECT n.nspname FROM pg_publication_namespace p JOIN pg_namespace n ON n.oid = p.pnnspid WHERE p.pnpubid = ?""";
    private static final String TABLES_SQL = """
            SELECT n.nspname || '.' || c.relname FROM pg_publication_rel p JOIN pg_class c ON c.oid = p.prrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE p.prpubid = ?""";
    private static final String PUBLISHED_SQL = "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** What the publication was before: empty when there was none. */
    record Before(Optional<PublicationShape> shape, Set<String> published) {
    }

    private PublicationSetup() {
    }

    /** Creates or replaces the publication when it differs from {@code shape}; returns what it was. */
    static Before align(Connection connection, String publication, PublicationShape shape) throws SQLException {
        Before before = read(connection, publication);
        if (before.shape().isPresent() && before.shape().get().equals(shape)) {
            return before;
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement sql = connection.createStatement()) {
            sql.execute("DROP PUBLICATION IF EXISTS " + PublicationShape.quote(publication));
            sql.execute(shape.createSql(publication));
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw refused(publication, shape, before, e);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return before;
    }

    static Before read(Connection connection, String publication) throws SQLException {
        long oid;
        boolean allTables;
        try (PreparedStatement s = connection.prepareStatement(PUBLICATION_SQL)) {
            s.setString(1, publication);
            try (ResultSet row = s.executeQuery()) {
                if (!row.next()) {
                    return new Before(Optional.empty(), Set.of());
                }
                oid = row.getLong(1);
                allTables = row.getBoolean(2);
            }
        }
        Set<String> schemas = allTables ? Set.of() : strings(connection, SCHEMAS_SQL, oid);
        Set<String> tables = allTables ? Set.of() : strings(connection, TABLES_SQL, oid);
        Set<String> published;
        try (PreparedStatement s = connection.prepareStatement(PUBLISHED_SQL)) {
            s.setString(1, publication);
            published = strings(s);
        }
        return new Before(Optional.of(new PublicationShape(allTables, schemas, tables)), published);
    }

    private static Set<String> strings(Connection connection, String sql, long oid) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setLong(1, oid);
            return strings(s);
        }
    }

    private static Set<String> strings(PreparedStatement statement) throws SQLException {
        Set<String> values = new LinkedHashSet<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static IllegalStateException refused(String publication, PublicationShape shape, Before before, SQLException e) {
        String was = before.shape().map(s -> "publishes " + s).orElse("does not exist");
        String fix = INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) && shape.needsSuperuser()
                ? "PostgreSQL lets only a superuser publish whole schemas or all tables: have a superuser run "
                        + (before.shape().isPresent() ? "DROP PUBLICATION " + PublicationShape.quote(publication) + "; " : "")
                        + shape.createSql(publication) + "; then start capture again (or name exact tables in strata.capture.tables)"
                : "capture's role must own the published tables (or be a superuser): grant it, or have the owner run "
                        + shape.createSql(publication);
        return new IllegalStateException("capture cannot make publication " + publication + " publish " + shape + " (it " + was
                + "): " + e.getMessage() + "; " + fix, e);
    }
}
