package dev.strata.restore;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How an operator finds "the second before the delete": {@code history} lists every version of a
 * row from the log in both regions (segments written by the sink's own classes, one of them twice
 * after a crash), newest first, and the point it gives restores the row as it was.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryIT {
    private static final long T0 = RestoreTime.parse("2026-11-21T07:00:00Z");
    private static final long S = 1_000_000L;
    private static final String TABLE = "public.items";

    private Path config;
    private Path work;

    @BeforeAll
    void backUp(LocalObjectStores stores) throws Exception {
        stores.primary().createLockedBucket("history-primary");
        stores.backup().createLockedBucket("history-backup");
        work = Files.createTempDirectory(LocalStackExtension.workDir(), "history");
        List<ChangeEvent> events = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            events.add(insert("hist", TABLE, T0 + id * S, 1000 + id, id, "first " + id));
        }
        events.add(update("hist", TABLE, T0 + 30 * S, 2000, 7, "second 7"));
        events.add(update("hist", TABLE, T0 + 31 * S, 2001, 8, "second 8"));
        events.add(delete("hist", TABLE, T0 + 40 * S, 3000, 12));
        events.add(delete("hist", TABLE, T0 + 50 * S, 4000, 7));
        try (ObjectStore p = LocalStores.writer(stores.primary(), "history-primary");
             ObjectStore b = LocalStores.writer(stores.backup(), "history-backup");
             SinkBackup sink = new SinkBackup(p, b, work)) {
            sink.write(0, events, SinkBackup.everyNEvents(5));
            sink.write(1, events.subList(20, 22), SinkBackup.everyNEvents(5)); // sent again after a crash: same event ids
            sink.seal(Optional.empty());
        }
        config = LocalStores.write(LocalStores.regime("eu", stores.primary(), "history-primary", stores.backup(), "history-backup"), work);
    }

    @Test
    void listsEveryVersionOfTheRowNewestFirstOnceEachWithWhatChanged() {
        ToolRun r = ToolRun.run(config, "history", "--tenant", "hist", "--table", TABLE, "--key", "id=7");

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("history of tenant hist, public.items id=7: 3 version(s)");
        assertThat(r.out().lines().filter(l -> l.startsWith("2026-")).toList()).containsExactly(
                "2026-11-21T07:00:50Z  DELETE   tx 40  id=7",
                "2026-11-21T07:00:30Z  UPDATE   tx 20  id=7",
                "2026-11-21T07:00:07Z  CREATE   tx 10  id=7");
        assertThat(r.out()).contains("    set: name=second 7").contains("    set: id=7, name=first 7")
                .contains("    was: id=7, name=second 7").contains("just before it: --until 2026-11-21T07:00:49.999999Z");
    }

    @Test
    void thePointJustBeforeTheDeleteRestoresTheRowAsItWas() throws Exception {
        Path rows = work.resolve("before-delete.ndjson");
        ToolRun replay = ToolRun.run(config, "replay", "--tenant", "hist", "--until", "2026-11-21T07:00:49.999999Z",
                "--target", "ndjson", "--to", rows.toString(), "--progress", "none");

        assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
        assertThat(Files.readAllLines(rows)).anySatisfy(line -> assertThat(line).contains("\"id\":7").contains("second 7"));
    }

    @Test
    void listsTheDeletesOfATableWithinTheLimitAndSaysHowManyMore() {
        ToolRun r = ToolRun.run(config, "history", "--tenant", "hist", "--table", TABLE, "--op", "delete", "--limit", "1");

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("2 version(s)").contains("DELETE   tx 40  id=7").doesNotContain("id=12")
                .contains("... and 1 older version(s)");
        ToolRun ranged = ToolRun.run(config, "history", "--tenant", "hist", "--table", TABLE, "--op", "delete",
                "--until", "2026-11-21T07:00:45Z");
        assertThat(ranged.out()).contains("1 version(s)").contains("DELETE   tx 30  id=12").doesNotContain("id=7");
    }

    @Test
    void printsOneJsonObjectPerVersion() throws Exception {
        ToolRun r = ToolRun.run(config, "history", "--tenant", "hist", "--table", TABLE, "--key", "id=8", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode newest = new ObjectMapper().readTree(lines.get(0));
        assertThat(newest.get("op").asText()).isEqualTo("UPDATE");
        assertThat(newest.get("changed").get("name").asText()).isEqualTo("second 8");
        assertThat(newest.get("commitTime").asText()).isEqualTo("2026-11-21T07:00:31Z");
        assertThat(newest.get("untilJustBefore").asText()).isEqualTo("2026-11-21T07:00:30.999999Z");
    }

    @Test
    void aColumnThatIsNotInTheKeyOrATableNotInTheLogIsBadInputThatSaysWhatIs() {
        ToolRun column = ToolRun.run(config, "history", "--tenant", "hist", "--table", TABLE, "--key", "name=x");
        ToolRun table = ToolRun.run(config, "history", "--tenant", "hist", "--table", "public.itemz", "--key", "id=7");
        ToolRun neither = ToolRun.run(config, "history", "--tenant", "hist", "--table", TABLE);

        assertThat(column.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(column.err()).contains("--key names [name] but the key of public.items is [id]");
        assertThat(table.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(table.err()).contains("holds no change of table public.itemz").contains("[public.items]");
        assertThat(neither.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(neither.err()).contains("give --key COL=VALUE[,COL=VALUE] or --op delete");
    }
}
