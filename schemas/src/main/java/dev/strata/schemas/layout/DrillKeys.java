package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The drill reports' keys, {@code strata/v1/drills/<tenant>/<time>.json}, for {@link BackupLayout}:
 * a prefix of its own outside {@code tenants/}, so that one IAM statement grants the drill
 * credential puts there and nowhere else.
 */
final class DrillKeys {
    static final String ROOT = BackupLayout.ROOT + "drills/";
    static final String SHAPE = ROOT + "<tenant>/<time>.json";
    private static final Pattern FILE = Pattern.compile("(" + KeyTime.TIME_REGEX + ")\\.json");

    private DrillKeys() {
    }

    static ObjectKey prefix(TenantId tenant) {
        return new ObjectKey(ROOT + tenant.value() + "/");
    }

    static ObjectKey format(DrillKey k) {
        return new ObjectKey(prefix(k.tenant()).value() + KeyTime.format(k.timeMicros()) + ".json");
    }

    static DrillKey parse(String v) {
        String[] steps = v.substring(ROOT.length()).split("/", -1);
        if (steps.length != 2) {
            throw new InvalidObjectKeyException(v, "expected " + SHAPE);
        }
        Matcher m = KeyParsing.match(FILE, steps[1], v, SHAPE);
        DrillKey parsed = KeyParsing.build(v, SHAPE, () -> new DrillKey(TenantId.of(steps[0]), KeyTime.parse(m.group(1))));
        return KeyParsing.canonical(v, format(parsed), parsed);
    }
}
