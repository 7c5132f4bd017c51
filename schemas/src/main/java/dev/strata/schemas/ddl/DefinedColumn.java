package dev.strata.schemas.ddl;

import java.util.Objects;

/**
 * One column of a {@link TableDefinition}, as {@code pg_attribute} and {@code pg_attrdef} describe it.
 *
 * @param attnum the column's identity: a RENAME keeps it, a DROP retires it, an ADD takes a new one
 * @param type the type with its modifier, as {@code format_type} writes it
 * @param defaultExpression {@code pg_get_expr} of the default, null when none
 * @param identity {@code a} (ALWAYS), {@code d} (BY DEFAULT) or empty
 * @param generated {@code s} for a STORED generated column (its expression is {@code defaultExpression}), else empty
 * @param missingValue the value an ADD COLUMN with a non-volatile default gave every row that existed
 *     then ({@code attmissingval}, as text): rows not written since read it; null when none
 * @param hasMissingValue whether {@code attmissingval} is set (its value may itself be NULL text)
 */
public record DefinedColumn(int attnum, String name, String type, boolean notNull, String defaultExpression, String identity,
                            String generated, String missingValue, boolean hasMissingValue, boolean dropped) {

    public DefinedColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        identity = identity == null ? "" : identity;
        generated = generated == null ? "" : generated;
    }
}
