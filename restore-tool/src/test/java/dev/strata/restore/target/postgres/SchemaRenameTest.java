package dev.strata.restore.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.ddl.DefinedColumn;
import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.TableShape;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchemaRenameTest {
    private static final TableTarget CUSTOMERS = new TableTarget(new TableShape("public.customers", List.of("id"), List.of("bigint"),
            List.of("id")));

    @Test
    void theRestoredTablesAndTheirSequencesMoveAndNothingElse() {
        TableDefinition orders = new TableDefinition("CREATE TABLE", "public.orders",
                List.of(new DefinedColumn(1, "id", "bigint", true, "nextval('public.orders_id_seq'::regclass)", "", "", null, false, false),
                        new DefinedColumn(2, "kind", "public.mood", false, "'public.orders'::text", "", "", null, false, false)),
                List.of("id"),
                List.of(new TableDefinition.Constraint("orders_customer_fkey", "f", "FOREIGN KEY (customer_id) REFERENCES public.customers(id)",
                                "public.customers"),
                        new TableDefinition.Constraint("orders_other_fkey", "f", "FOREIGN KEY (x) REFERENCES public.other(id)", "public.other")),
                List.of(new TableDefinition.Index("orders_kind", "CREATE INDEX orders_kind ON public.orders USING btree (kind)")),
                List.of(new TableDefinition.OwnedSequence("id", "public.orders_id_seq", false)));
        TableTarget source = new TableTarget(new TableShape("public.orders", List.of("id", "kind"), List.of("bigint", "public.mood"),
                List.of("id")), Optional.of(orders), false);
        SchemaRename rename = SchemaRename.to("side", List.of(source, CUSTOMERS));

        TableTarget moved = rename.rename(source);
        TableDefinition d = moved.definition().orElseThrow();
        assertThat(moved.name()).isEqualTo("side.orders");
        assertThat(d.table()).isEqualTo("side.orders");
        assertThat(d.columns().get(0).defaultExpression()).isEqualTo("nextval('\"side\".orders_id_seq'::regclass)");
        assertThat(d.columns().get(1).type()).as("types stay where they are").isEqualTo("public.mood");
        assertThat(d.constraints().get(0).definition()).isEqualTo("FOREIGN KEY (customer_id) REFERENCES \"side\".customers(id)");
        assertThat(d.constraints().get(0).references()).isEqualTo("side.customers");
        assertThat(d.constraints().get(1).references()).as("a parent not restored keeps its name").isEqualTo("public.other");
        assertThat(d.indexes().get(0).definition()).isEqualTo("CREATE INDEX orders_kind ON \"side\".orders USING btree (kind)");
        assertThat(d.sequences().get(0).sequence()).isEqualTo("\"side\".orders_id_seq");
        assertThat(rename.rewrite("x.public.orders_id_seq, mypublic.orders")).as("only whole qualified names").isEqualTo(
                "x.public.orders_id_seq, mypublic.orders");
    }

    @Test
    void twoTablesOfOneNameAreRefusedNamingBoth() {
        TableTarget other = new TableTarget(new TableShape("billing.customers", List.of("id"), List.of("bigint"), List.of("id")));
        assertThatThrownBy(() -> SchemaRename.to("side", List.of(CUSTOMERS, other))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("public.customers and billing.customers");
        assertThatThrownBy(() -> SchemaRename.to("Side; DROP", List.of(CUSTOMERS))).hasMessageContaining("plain lower-case name");
    }
}
