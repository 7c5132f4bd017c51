package dev.strata.restore.target;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.target.PgText.Kind;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PgTextTest {
    @Test
    void kindsFollowTheDeclaredType() {
        assertThat(Kind.of("timestamp with time zone")).isEqualTo(Kind.TIMESTAMPTZ);
        assertThat(Kind.of("timestamp(3) with time zone")).isEqualTo(Kind.TIMESTAMPTZ);
        assertThat(Kind.of("timestamp without time zone")).isEqualTo(Kind.TIMESTAMP);
        assertThat(Kind.of("time without time zone")).isEqualTo(Kind.TIME);
        assertThat(Kind.of("time with time zone")).isEqualTo(Kind.OTHER); // captured as text
        assertThat(Kind.of("date")).isEqualTo(Kind.DATE);
        assertThat(Kind.of("real")).isEqualTo(Kind.REAL);
        assertThat(Kind.of("bigint")).isEqualTo(Kind.OTHER);
    }

    @Test
    void timesAreWrittenAsPostgresReadsThem() {
        assertThat(PgText.text(Kind.TIMESTAMPTZ, 1_704_164_645_123_456L)).isEqualTo("2024-01-02 03:04:05.123456+00");
        assertThat(PgText.text(Kind.TIMESTAMP, 0L)).isEqualTo("1970-01-01 00:00:00.000000");
        assertThat(PgText.text(Kind.TIMESTAMP, -1L)).isEqualTo("1969-12-31 23:59:59.999999");
        assertThat(PgText.text(Kind.TIME, 86_400_000_000L)).isEqualTo("24:00:00.000000");
        assertThat(PgText.text(Kind.DATE, LocalDate.of(2024, 2, 29).toEpochDay())).isEqualTo("2024-02-29");
        // Postgres has no year 0: ISO year -4712 is 4713 BC
        assertThat(PgText.text(Kind.DATE, LocalDate.of(-4712, 1, 1).toEpochDay())).isEqualTo("4713-01-01 BC");
        assertThat(PgText.text(Kind.TIMESTAMPTZ, LocalDate.of(0, 3, 1).toEpochDay() * 86_400_000_000L))
                .isEqualTo("0001-03-01 00:00:00.000000+00 BC");
        assertThat(PgText.text(Kind.TIMESTAMPTZ, "infinity")).isEqualTo("infinity");
    }

    @Test
    void numbersBooleansAndBytes() {
        assertThat(PgText.text(Kind.OTHER, 42L)).isEqualTo("42");
        assertThat(PgText.text(Kind.OTHER, true)).isEqualTo("t");
        assertThat(PgText.text(Kind.OTHER, false)).isEqualTo("f");
        assertThat(PgText.text(Kind.OTHER, new byte[] {0, (byte) 0xff, 16})).isEqualTo("\\x00ff10");
        assertThat(PgText.text(Kind.OTHER, Double.NaN)).isEqualTo("NaN");
        assertThat(PgText.text(Kind.OTHER, Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(PgText.text(Kind.OTHER, -0.0)).isEqualTo("-0.0");
        assertThat(PgText.text(Kind.OTHER, 0.1)).isEqualTo("0.1");
        assertThat(PgText.text(Kind.REAL, (double) 0.1f)).isEqualTo("0.1");
        assertThat(Double.parseDouble(PgText.text(Kind.OTHER, 1e-20))).isEqualTo(1e-20);
        assertThat(PgText.text(Kind.OTHER, null)).isNull();
    }
}
