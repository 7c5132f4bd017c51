package dev.strata.capture.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TableSelectionTest {

    @Test
    void exactNamesMatchOneTableAndNothingThatResemblesIt() {
        TableSelection selection = TableSelection.parse(List.of("public.orders", "public.orders", " ", "app.line$items"));
        assertThat(selection.exactOnly()).isTrue();
        assertThat(selection.texts()).containsExactly("public.orders", "app.line$items");
        assertThat(selection.matches("public.orders")).isTrue();
        assertThat(selection.matches("public.ordersx")).isFalse();
        assertThat(selection.matches("publicXorders")).isFalse();
        assertThat(selection.matches("app.line$items")).isTrue();
        assertThat(includes(selection, "public.orders")).isTrue();
        assertThat(includes(selection, "publicXorders")).isFalse();
        assertThat(includes(selection, "app.line$items")).isTrue();
    }

    @Test
    void aStarIsEveryTableOfItsSchemaAndNoOtherSchema() {
        TableSelection selection = TableSelection.parse(List.of("public.*"));
        assertThat(selection.exactOnly()).isFalse();
        assertThat(selection.schemaPatterns()).isFalse();
        assertThat(selection.patternSchemas()).containsExactly("public");
        assertThat(selection.matches("public.invoices_2026")).isTrue();
        assertThat(selection.matches("public_archive.invoices")).isFalse();
        assertThat(includes(selection, "public.invoices_2026")).isTrue();
        assertThat(includes(selection, "public_archive.invoices")).isFalse();
    }

    @Test
    void aSchemaPatternIsSplitAtTheEscapedDot() {
        TableSelection selection = TableSelection.parse(List.of("tenant_.*\\.orders", "public.orders_.*"));
        assertThat(selection.schemaPatterns()).isTrue();
        assertThat(selection.matches("tenant_acme.orders")).isTrue();
        assertThat(selection.matches("tenant_acme.orders_old")).isFalse();
        assertThat(selection.matches("public.orders_2026")).isTrue();
        assertThat(selection.matches("public.orders")).isFalse();
        assertThat(includes(selection, "tenant_acme.orders")).isTrue();
        assertThat(includes(selection, "tenant_acme.orders_old")).isFalse();
        assertThat(includes(selection, "public.orders_2026")).isTrue();
    }

    @Test
    void anEntryThatIsNotSchemaDotTableIsRefusedWithAnExample() {
        assertThatThrownBy(() -> TableSelection.parse(List.of("orders"))).hasMessageContaining("'orders' is not schema.table")
                .hasMessageContaining("public.*");
        assertThatThrownBy(() -> TableSelection.parse(List.of("public."))).hasMessageContaining("is not schema.table");
        assertThatThrownBy(() -> TableSelection.parse(List.of("tenant_.*.orders")))
                .hasMessageContaining("'*.orders' is neither a name nor a regular expression")
                .hasMessageContaining("separate a schema pattern from its table with \\.");
    }

    @Test
    void thePublicationCoversWhatTheSelectionMayMatchLater() {
        String signal = "public.strata_capture_signal";
        PublicationShape exact = PublicationShape.of(TableSelection.parse(List.of("public.orders", "sales.Items")), signal);
        assertThat(exact.needsSuperuser()).isFalse();
        assertThat(exact.createSql("p")).isEqualTo(
                "CREATE PUBLICATION \"p\" FOR TABLE \"public\".\"orders\", \"public\".\"strata_capture_signal\", \"sales\".\"Items\"");
        PublicationShape schemas = PublicationShape.of(TableSelection.parse(List.of("public.*", "sales.orders", "public.x")), signal);
        assertThat(schemas).isEqualTo(new PublicationShape(false, Set.of("public"), Set.of("sales.orders")));
        assertThat(schemas.needsSuperuser()).isTrue();
        assertThat(schemas.createSql("p")).isEqualTo("CREATE PUBLICATION \"p\" FOR TABLES IN SCHEMA \"public\", TABLE \"sales\".\"orders\"");
        PublicationShape all = PublicationShape.of(TableSelection.parse(List.of("tenant_.*\\.orders")), signal);
        assertThat(all.createSql("p")).isEqualTo("CREATE PUBLICATION \"p\" FOR ALL TABLES");
    }

    /** What Debezium does with table.include.list: each expression matched whole against schema.table. */
    private static boolean includes(TableSelection selection, String table) {
        return List.of(selection.debeziumIncludeList().split(",")).stream().anyMatch(r -> Pattern.compile(r).matcher(table).matches());
    }
}
