package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The erasure ledger's keys, {@code strata/v1/ledger/<tenant>/<requestedAt>_<seq>.entry}, for
 * {@link BackupLayout}: a prefix of its own outside {@code tenants/}, so that one IAM statement can
 * grant the ledger credential puts there and nowhere else (as for drill reports), and so that expiry,
 * which works under {@code tenants/}, never touches an entry.
 */
final class LedgerKeys {
    static final String ROOT = BackupLayout.ROOT + "ledger/";
    static final String SHAPE = ROOT + "<tenant>/<requestedAt>_<seq>.entry";
    private static final Pattern FILE = Pattern.compile("(" + KeyTime.TIME_REGEX + ")_(\\d{6})\\.entry");

    private LedgerKeys() {
    }

    static ObjectKey prefix(TenantId tenant) {
        return new ObjectKey(ROOT + tenant.value() + "/");
    }

    static ObjectKey format(LedgerEntryKey k) {
        return new ObjectKey(prefix(k.tenant()).value() + KeyTime.format(k.requestedAtMicros()) + "_"
                + String.format(Locale.ROOT, "%06d", k.seq()) + ".entry");
    }

    static LedgerEntryKey parse(String v) {
        String[] steps = v.substring(ROOT.length()).split("/", -1);
        Matcher m = steps.length == 2 ? FILE.matcher(steps[1]) : null;
        if (m == null || !m.matches()) {
            throw new InvalidObjectKeyException(v, "expected " + SHAPE);
        }
        LedgerEntryKey parsed;
        try {
            parsed = new LedgerEntryKey(TenantId.of(steps[0]), KeyTime.parse(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (IllegalArgumentException e) {
            throw new InvalidObjectKeyException(v, e.getMessage() + " (expected " + SHAPE + ")");
        }
        if (!format(parsed).value().equals(v)) {
            throw new InvalidObjectKeyException(v, "it is not in canonical form; the same fields format as '" + format(parsed).value() + "'");
        }
        return parsed;
    }
}
