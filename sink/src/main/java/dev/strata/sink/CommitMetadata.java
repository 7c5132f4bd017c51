package dev.strata.sink;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metadata the sink stores with each committed offset: its horizon, the highest offset it has
 * handed to the uploader in that partition. This is the sink's write-ahead record: no segment is
 * uploaded before a commit whose horizon covers its last offset has succeeded. So after a crash,
 * the records between the committed offset and the horizon are exactly those that may be in
 * segments already stored (in one region or both), and only they need a look at the buckets.
 */
final class CommitMetadata {
    private static final String PREFIX = "strata-sink/1 horizon=";
    private static final Pattern FORMAT = Pattern.compile("strata-sink/1 horizon=(-1|\\d{1,19})");

    private CommitMetadata() {
    }

    static String format(long horizon) {
        return PREFIX + horizon;
    }

    /** The horizon in {@code metadata}, or empty for a commit not made by this version of the sink. */
    static OptionalLong horizon(String metadata) {
        if (metadata == null) {
            return OptionalLong.empty();
        }
        Matcher m = FORMAT.matcher(metadata);
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }
}
