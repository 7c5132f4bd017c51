package dev.strata.restore.plan;

import dev.strata.restore.BadInputException;
import java.util.Locale;
import java.util.regex.Pattern;

/** PostgreSQL's text form of an LSN, {@code X/Y}: the high and low 32 bits in hex, as pg_current_wal_lsn() prints it. */
public final class WalLsn {
    private static final Pattern FORM = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    private WalLsn() {
    }

    /** @throws BadInputException naming the format when {@code text} is not an LSN */
    public static long parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (!FORM.matcher(trimmed).matches()) {
            throw new BadInputException("malformed --until-lsn '" + text + "': give an LSN as PostgreSQL prints it, X/Y in hex"
                    + " (e.g. 0/1A2B3C8, from pg_current_wal_lsn())");
        }
        int slash = trimmed.indexOf('/');
        return Long.parseLong(trimmed.substring(0, slash), 16) << 32 | Long.parseLong(trimmed.substring(slash + 1), 16);
    }

    public static String format(long lsn) {
        return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }
}
