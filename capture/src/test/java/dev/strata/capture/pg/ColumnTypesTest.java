package dev.strata.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** A table's replica identity: the one the last definition in the WAL states, else the catalog's, read when the row changes shape. */
class ColumnTypesTest {
    private static final String TABLE = "public.notes";
    private static final PgColumnType TEXT = new PgColumnType("text", "text", "text", 'S');
    private static final Schema ROW = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
    private static final Schema WIDER = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).field("body", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final ReplicaIdentity FULL = new ReplicaIdentity('f', List.of());

    private char inCatalog = 'd';
    private int reads;
    private final ColumnTypes types = new ColumnTypes(table -> {
        reads++;
        return Optional.of(new TableShape(table, Map.of("id", TEXT), inCatalog, inCatalog == 'd' ? List.of("id") : List.of()));
    });

    @Test
    void theIdentityADefinitionInTheWalStatesWinsOverALaterCatalogUntilTheRowChangesShapeWithoutOne() {
        assertThat(types.shape(TABLE, ROW).replicaIdentity()).isEqualTo('d');
        types.defined(TABLE, Optional.of(FULL)); // ALTER ... REPLICA IDENTITY FULL, in the WAL before the changes after it
        assertThat(types.shape(TABLE, ROW).replicaIdentity()).as("read again at once").isEqualTo('f');
        assertThat(types.shape(TABLE, ROW).identityColumns()).isEmpty();

        assertThat(types.shape(TABLE, WIDER).replicaIdentity()).as("a new shape with no definition before it: the catalog's")
                .isEqualTo('d');
        inCatalog = 'f';
        assertThat(types.shape(TABLE, ROW).replicaIdentity()).isEqualTo('f');
    }

    @Test
    void aDefinitionWithoutAnIdentityChangesNothingAsBeforeDefinitionsCarriedOne() {
        types.shape(TABLE, ROW);
        types.defined(TABLE, Optional.empty()); // written by an older trigger function
        inCatalog = 'f';
        assertThat(types.shape(TABLE, ROW).replicaIdentity()).as("not read again").isEqualTo('d');
        assertThat(reads).isEqualTo(1);

        types.defined(TABLE, Optional.of(FULL));
        inCatalog = 'd';
        types.defined(TABLE, Optional.empty());
        assertThat(types.shape(TABLE, ROW).replicaIdentity()).as("the identity it stated before is not kept").isEqualTo('d');
    }
}
