package dev.strata.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import java.time.LocalDate;
import java.time.OffsetTime;
import java.util.GregorianCalendar;
import org.junit.jupiter.api.Test;
import org.postgresql.PGStatement;

class PgTextConverterTest {

    @Test
    void textPassesThroughLostValuesCarryTheirReasonAndUnsentIsThePlaceholder() {
        assertThat(PgTextConverter.convert("{1,NULL,3}", "array")).isEqualTo("{1,NULL,3}");
        assertThat(PgTextConverter.lostReason("{1,NULL,3}")).isNull();
        assertThat(PgTextConverter.convert(null, "array")).isNull();
        String lost = PgTextConverter.convert(OffsetTime.parse("08:00Z"), "timetz");
        assertThat(PgTextConverter.lostReason(lost)).contains("offset");
        String toast = PgTextConverter.convert(UnchangedToastedReplicationMessageColumn.UNCHANGED_INT_ARRAY_TOAST_VALUE, "array");
        // not lost: Debezium's placeholder, which PgValueCodec turns into Unsent.UNCHANGED for the fold to fill
        assertThat(toast).isEqualTo(dev.strata.capture.DebeziumSettings.UNAVAILABLE_PLACEHOLDER);
    }

    @Test
    void datesArePostgresIsoTextWithEraAndInfinity() {
        assertThat(PgTextConverter.convert(LocalDate.of(2024, 2, 29), "date")).isEqualTo("2024-02-29");
        assertThat(PgTextConverter.convert(LocalDate.of(-4712, 1, 1), "date")).isEqualTo("4713-01-01 BC");
        assertThat(PgTextConverter.convert(LocalDate.of(0, 12, 31), "date")).isEqualTo("0001-12-31 BC");
        assertThat(PgTextConverter.convert(LocalDate.of(10000, 1, 1), "date")).isEqualTo("10000-01-01");
        assertThat(PgTextConverter.convert(PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE, "date")).isEqualTo("infinity");
        assertThat(PgTextConverter.convert(PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE, "date")).isEqualTo("-infinity");
    }

    @Test
    void snapshotDatesKeepTheirEra() {
        GregorianCalendar bc = new GregorianCalendar();
        bc.clear();
        bc.set(GregorianCalendar.ERA, GregorianCalendar.BC);
        bc.set(4713, 0, 1);
        assertThat(PgTextConverter.convert(new java.sql.Date(bc.getTimeInMillis()), "date")).isEqualTo("4713-01-01 BC");
        assertThat(PgTextConverter.convert(java.sql.Date.valueOf("1500-03-01"), "date")).isEqualTo("1500-03-01");
        assertThat(PgTextConverter.convert(new java.sql.Date(PGStatement.DATE_POSITIVE_INFINITY), "date")).isEqualTo("infinity");
        assertThat(PgTextConverter.convert(new java.sql.Date(PGStatement.DATE_NEGATIVE_INFINITY), "date")).isEqualTo("-infinity");
    }
}
