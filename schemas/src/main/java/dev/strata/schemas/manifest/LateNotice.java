package dev.strata.schemas.manifest;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.LateNoticeKey;
import dev.strata.schemas.layout.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A late notice: names a log segment that reached both regions after bases may have been folded
 * past its commit times, with the size and SHA-256 the sink computed for it. Its key sorts by
 * arrival ({@link LateNoticeKey}); its body is four lines of text, so an operator reads it with
 * {@code cat}:
 *
 * <pre>
 * strata-late-notice 1
 * segment strata/v1/tenants/acme/log/...seg
 * size 18231
 * sha256 9f86...
 * </pre>
 */
public record LateNotice(LateNoticeKey key, ManifestEntry segment) {
    private static final String HEADER = "strata-late-notice 1";

    public LateNotice {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(segment, "segment");
        if (!segment.key().equals(BackupLayout.segment(key.segment()))) {
            throw new IllegalArgumentException("late notice " + BackupLayout.lateNotice(key) + " names segment " + segment.key()
                    + ", not the one its key gives (" + BackupLayout.segment(key.segment()) + ")");
        }
    }

    public ObjectKey objectKey() {
        return BackupLayout.lateNotice(key);
    }

    public byte[] encode() {
        return (HEADER + "\nsegment " + segment.key().value() + "\nsize " + segment.size() + "\nsha256 " + segment.sha256().hex() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a notice stored under {@code key}; refuses a body that names another segment than the key. */
    public static LateNotice decode(ObjectKey key, byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 5 || !lines[0].equals(HEADER) || !lines[1].startsWith("segment ") || !lines[2].startsWith("size ")
                || !lines[3].startsWith("sha256 ") || !lines[4].isEmpty()) {
            throw new ManifestFormatException("late notice " + key + " is not a '" + HEADER + "' notice (" + bytes.length
                    + " bytes): run restore-tool verify");
        }
        try {
            ManifestEntry entry = new ManifestEntry(BackupLayout.keyOf(lines[1].substring(8)), Long.parseLong(lines[2].substring(5)),
                    Sha256.fromHex(lines[3].substring(7)));
            return new LateNotice(BackupLayout.parseLateNotice(key), entry);
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException("late notice " + key + " is invalid: " + e.getMessage() + "; run restore-tool verify", e);
        }
    }
}
