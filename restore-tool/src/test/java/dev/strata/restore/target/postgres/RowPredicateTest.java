package dev.strata.restore.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import org.junit.jupiter.api.Test;

class RowPredicateTest {

    @Test
    void oneExpressionIsKeptAsWritten() {
        assertThat(RowPredicate.parse("  customer_id = 42 AND (qty > 1 OR name = 'a;b') ").parenthesized())
                .isEqualTo("(customer_id = 42 AND (qty > 1 OR name = 'a;b'))");
        assertThat(RowPredicate.parse("\"odd;name\" = $x$it's; fine$x$ AND note = E'it\\'s; ok'").sql()).contains("odd;name");
    }

    @Test
    void aSecondStatementIsRefused() {
        assertThatThrownBy(() -> RowPredicate.parse("id = 1; DROP TABLE orders")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("is not one SQL expression: it holds ';'");
        // the literal ends at the doubled-quote-free quote: the ';' after it is outside
        assertThatThrownBy(() -> RowPredicate.parse("name = 'x''' ; DELETE FROM orders WHERE ''=''")).hasMessageContaining("';'");
        // in an escape string a backslash-quote does not end it, so the ';' after the real end is seen
        assertThatThrownBy(() -> RowPredicate.parse("name = E'\\'' ; DELETE FROM orders WHERE true")).hasMessageContaining("';'");
    }

    @Test
    void whatCouldEscapeTheParenthesesIsRefused() {
        assertThatThrownBy(() -> RowPredicate.parse("id = 1) OR (true")).hasMessageContaining("closes a parenthesis it did not open");
        assertThatThrownBy(() -> RowPredicate.parse("id = 1 --")).hasMessageContaining("comment");
        assertThatThrownBy(() -> RowPredicate.parse("id = 1 /* x */")).hasMessageContaining("comment");
        assertThatThrownBy(() -> RowPredicate.parse("(id = 1")).hasMessageContaining("'(' is not closed");
        assertThatThrownBy(() -> RowPredicate.parse("name = 'open")).hasMessageContaining("string literal is not closed");
        assertThatThrownBy(() -> RowPredicate.parse(" ")).hasMessageContaining("--where is empty");
    }
}
