package dev.strata.restore.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.fold.TableShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgDdlTest {

    @Test
    void aTableWithoutADefinitionHasItsKeyColumnsNotNullFromTheStartAndNothingElse() {
        TableShape shape = new TableShape("public.order_lines", List.of("tenant_id", "order_id", "line", "note"),
                List.of("text", "bigint", "integer", "text"), List.of("order_id", "line"));

        assertThat(PgDdl.createTable(shape, true)).isEqualTo("CREATE TABLE \"public\".\"order_lines\" (\"tenant_id\" text,"
                + " \"order_id\" bigint NOT NULL, \"line\" integer NOT NULL, \"note\" text)");
        assertThat(PgDdl.createTable(shape, false)).as("a --where restore: the rows it leaves out may have a NULL key")
                .doesNotContain("NOT NULL");
    }

    @Test
    void aTableWithoutAKeyHasNoNotNullColumn() {
        TableShape shape = new TableShape("app.log", List.of("at", "line"), List.of("timestamp with time zone", "text"), List.of());

        assertThat(PgDdl.createTable(shape, true)).doesNotContain("NOT NULL");
    }
}
