package dev.strata.capture.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** One COMMIT per tenant a transaction changed, at its END, with the commit LSN of the END record's offset. */
class TransactionCommitsTest {
    private static final Schema MARKER = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
            .field("event_count", Schema.OPTIONAL_INT64_SCHEMA).build();

    private final TransactionCommits commits = new TransactionCommits();

    @Test
    void aTransactionEndsWithOneCommitPerTenantItChanged() {
        commits.published(change("acme", 7, Op.CREATE));
        commits.published(change("globex", 7, Op.UPDATE));
        commits.published(change("acme", 7, Op.DELETE));
        List<ChangeEvent> ends = commits.marker(marker("END", "7:24023312", 3L), Map.of("lsn", 24023400L));
        assertThat(ends).extracting(ChangeEvent::getTenant).containsExactly("acme", "globex");
        assertThat(ends).allSatisfy(commit -> {
            assertThat(commit.getOp()).isEqualTo(Op.COMMIT);
            assertThat(commit.getCommitLsn()).isEqualTo(24023400L);
            assertThat(commit.getTxId()).isEqualTo(7L);
            assertThat(commit.getTxOrder()).isEqualTo(4L);
            assertThat(commit.getPreviousCommitLsn()).isEqualTo(1000L);
            assertThat(commit.getCutTsMicros()).isEqualTo(55L);
        });
        assertThat(ends.get(0).getEventId()).isEqualTo("c:24023400:acme");
        // each transaction once: a second END of it publishes nothing
        assertThat(commits.marker(marker("END", "7:24023312", 3L), Map.of("lsn", 24023400L))).isEmpty();
    }

    @Test
    void transactionsThatChangedNoTenantPublishNothing() {
        assertThat(commits.marker(marker("BEGIN", "8:1", null), Map.of("lsn", 1L))).isEmpty();
        commits.published(change("acme", 8, Op.HEARTBEAT));
        assertThat(commits.marker(marker("END", "8:1", 1L), Map.of("lsn", 2L))).isEmpty();
        commits.published(change("acme", 9, Op.CREATE));
        assertThat(commits.marker(marker("END", "10:1", 1L), Map.of("lsn", 3L))).as("another transaction's END").isEmpty();
    }

    private static ChangeEvent change(String tenant, long txId, Op op) {
        ChangeEvent event = new ChangeEvent(tenant, "app", "public.t", op, 50L, 1L, txId, 1L, null, null, null, "e", null, null, null,
                null, null);
        event.setCutTsMicros(55L);
        event.setPreviousCommitLsn(1000L);
        return event;
    }

    private static Struct marker(String status, String id, Long count) {
        return new Struct(MARKER).put("status", status).put("id", id).put("event_count", count);
    }
}
