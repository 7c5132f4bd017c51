package dev.strata.capture.pg;

import io.debezium.connector.postgresql.PostgresValueConverter;
import java.time.LocalDate;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Locale;
import org.postgresql.PGStatement;

/** A Postgres date as Postgres prints it with DateStyle ISO: {@code 2024-02-29}, {@code 4713-01-01 BC}, {@code infinity}. */
final class PgDates {
    private PgDates() {
    }

    /** From a proleptic-Gregorian date; Debezium's two infinity sentinels map back to infinity. */
    static String text(LocalDate date) {
        if (date.equals(PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE)) {
            return PgValueCodec.INFINITY;
        }
        if (date.equals(PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE)) {
            return PgValueCodec.MINUS_INFINITY;
        }
        int year = date.getYear();
        String monthDay = String.format(Locale.ROOT, "-%02d-%02d", date.getMonthValue(), date.getDayOfMonth());
        // ISO year 0 is 1 BC
        return year > 0 ? String.format(Locale.ROOT, "%04d", year) + monthDay
                : String.format(Locale.ROOT, "%04d", 1 - year) + monthDay + " BC";
    }

    /**
     * From pgjdbc's java.sql.Date: its fields (year, era, month, day) in the JVM's default zone and
     * calendar are the date Postgres sent; its instant is not (Julian before 1582).
     */
    static String text(java.sql.Date date) {
        if (date.getTime() == PGStatement.DATE_POSITIVE_INFINITY) {
            return PgValueCodec.INFINITY;
        }
        if (date.getTime() == PGStatement.DATE_NEGATIVE_INFINITY) {
            return PgValueCodec.MINUS_INFINITY;
        }
        Calendar calendar = new GregorianCalendar();
        calendar.setTime(date);
        int year = calendar.get(Calendar.YEAR);
        String monthDay = String.format(Locale.ROOT, "-%02d-%02d", calendar.get(Calendar.MONTH) + 1, calendar.get(Calendar.DAY_OF_MONTH));
        return String.format(Locale.ROOT, "%04d", year) + monthDay + (calendar.get(Calendar.ERA) == GregorianCalendar.BC ? " BC" : "");
    }
}
