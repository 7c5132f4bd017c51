package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table's replica identity changed while capture streams: capture takes it from the definition its schema history puts
 * in the WAL, without a restart, so each old row carries the columns Postgres sent under the identity then in force (the
 * whole row under FULL, which a rollback may stage a key's row from; the key's columns under DEFAULT, never a row filled
 * with NULLs).
 */
@ExtendWith(LocalStackExtension.class)
class ReplicaIdentityChangeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void anIdentityChangedMidStreamShapesTheOldRowsOfTheChangesAfterIt(LocalKafka kafka, LocalPostgres pg) throws Exception {
        String db = "replica_identity_it";
        String name = "replident";
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db, "CREATE TABLE notes (tenant_id text, id int, body text, PRIMARY KEY (tenant_id, id))",
                "INSERT INTO notes VALUES ('acme', 1, 'one'), ('acme', 2, 'two')");
        Properties properties = CaptureTestSetup.properties(kafka, pg, db, name, "public.notes");
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, name)) {
            capture.awaitStreaming(WAIT);
            CaptureTestSetup.execute(pg, db,
                    "DELETE FROM notes WHERE id = 1", // DEFAULT: the key's columns
                    "ALTER TABLE notes REPLICA IDENTITY FULL",
                    "UPDATE notes SET body = 'two again' WHERE id = 2", // FULL: the whole old row
                    "ALTER TABLE notes REPLICA IDENTITY DEFAULT",
                    "DELETE FROM notes WHERE id = 2"); // DEFAULT again: the key's columns, not the whole row with NULLs
            List<ChangeEvent> changes = reader.awaitUntil(r -> changes(r).size() >= 3, WAIT, "the two deletes and the update")
                    .drain().events().stream().filter(e -> e.getOp() == Op.DELETE || e.getOp() == Op.UPDATE).toList();

            assertThat(changes).extracting(ChangeEvent::getOp).containsExactly(Op.DELETE, Op.UPDATE, Op.DELETE);
            assertThat(columns(changes.get(0).getBefore())).as("under DEFAULT").containsExactly("tenant_id", "id");
            assertThat(columns(changes.get(1).getBefore())).as("under FULL, read from the definition in the WAL")
                    .containsExactly("tenant_id", "id", "body");
            assertThat(changes.get(1).getBefore().get(2).getValue()).isEqualTo("two");
            assertThat(columns(changes.get(2).getBefore())).as("under DEFAULT again").containsExactly("tenant_id", "id");
        }
        CaptureTestSetup.dropSlot(pg, db, name + "_slot");
    }

    private static List<ChangeEvent> changes(TopicReader reader) {
        return reader.events().stream().filter(e -> e.getOp() == Op.DELETE || e.getOp() == Op.UPDATE).toList();
    }

    private static List<String> columns(List<Column> row) {
        return row.stream().map(c -> c.getName().toString()).toList();
    }
}
