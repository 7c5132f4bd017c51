package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one formatter and parser of object keys (DESIGN.md section 5). The same layout holds in the
 * primary and the backup bucket:
 *
 * <pre>
 * strata/v1/tenants/&lt;tenant&gt;/log/&lt;yyyyMMdd&gt;/&lt;HH&gt;/&lt;minCommit&gt;_&lt;maxCommit&gt;_p&lt;part&gt;_&lt;firstOffset&gt;_&lt;lastOffset&gt;.seg
 * strata/v1/tenants/&lt;tenant&gt;/manifests/&lt;yyyyMMddHH&gt;.&lt;seq&gt;.manifest
 * strata/v1/tenants/&lt;tenant&gt;/bases/&lt;cutCommit&gt;_&lt;cutLsn&gt;/&lt;table&gt;.base
 * strata/v1/tenants/&lt;tenant&gt;/bases/&lt;cutCommit&gt;_&lt;cutLsn&gt;/base.manifest
 * strata/v1/tenants/&lt;tenant&gt;/late/&lt;arrival&gt;_&lt;minCommit&gt;_&lt;maxCommit&gt;_p&lt;part&gt;_&lt;firstOffset&gt;_&lt;lastOffset&gt;.late
 * strata/v1/tenants/&lt;tenant&gt;/durable/&lt;yyyyMMdd&gt;/&lt;HH&gt;/&lt;point&gt;_p&lt;part&gt;_&lt;committedOffset&gt;.mark
 * strata/v1/drills/&lt;tenant&gt;/&lt;time&gt;.json
 * strata/v1/ledger/&lt;tenant&gt;/&lt;requestedAt&gt;_&lt;seq&gt;.entry
 * strata/v1/erased/&lt;tenant&gt;.tombstone
 * </pre>
 *
 * Times are fixed-width UTC {@code yyyyMMdd'T'HHmmss.SSSSSS'Z'}; numbers are zero-padded to the
 * width of their type (partition 10 digits, offsets and LSNs 19, seq 6). So a LIST, which returns
 * keys in byte order, is a time-ordered index: no key ever needs to be read to be ordered.
 *
 * <p>Parsing accepts only the canonical form ({@code format(parse(k)).equals(k)}), so one thing has
 * exactly one key.
 */
public final class BackupLayout {

    public static final String ROOT = "strata/v1/";
    /**
     * The longest commit-time span of one segment's events (max commit minus min commit). The sink
     * rotates before exceeding it; a restore from a base therefore lists the log from the base's cut
     * minus this span, and a segment that ends earlier is skipped by its name alone.
     */
    public static final Duration MAX_SEGMENT_COMMIT_SPAN = Duration.ofHours(1);
    /**
     * How long after its arrival time a late notice may first be listed: the sink stamps a notice
     * when it starts storing it and, when storing took longer than this, stores it again with a new
     * stamp. A base records the time it listed notices minus this margin ({@code lateNoticesFrom});
     * every notice stamped before that was listable when the base was folded.
     */
    public static final Duration LATE_NOTICE_MAX_DELAY = Duration.ofMinutes(15);
    private static final String TENANTS = ROOT + "tenants/";
    private static final String LOG = "log";
    private static final String MANIFESTS = "manifests";
    private static final String BASES = "bases";
    private static final String LATE = "late";
    private static final String DURABLE = "durable";
    private static final String BASE_MANIFEST_FILE = "base.manifest";

    private static final String TIME = "(" + KeyTime.TIME_REGEX + ")";
    private static final Pattern SEGMENT_FILE = Pattern.compile(TIME + "_" + TIME + "_p(\\d{10})_(\\d{19})_(\\d{19})\\.seg");
    private static final Pattern MANIFEST_FILE = Pattern.compile("(\\d{10})\\.(\\d{6})\\.manifest");
    private static final Pattern CUT_DIRECTORY = Pattern.compile(TIME + "_(\\d{19})");
    private static final Pattern BASE_FILE = Pattern.compile("(.+)\\.base");
    private static final Pattern LATE_FILE = Pattern.compile(TIME + "_" + TIME + "_" + TIME + "_p(\\d{10})_(\\d{19})_(\\d{19})\\.late");
    private static final Pattern MARK_FILE = Pattern.compile(TIME + "_p(\\d{10})_(\\d{19})\\.mark");

    static final String SEGMENT_SHAPE = TENANTS + "<tenant>/log/<yyyyMMdd>/<HH>/<minCommit>_<maxCommit>_p<part>_<firstOffset>_<lastOffset>.seg";
    static final String MANIFEST_SHAPE = TENANTS + "<tenant>/manifests/<yyyyMMddHH>.<seq>.manifest";
    static final String BASE_SHAPE = TENANTS + "<tenant>/bases/<cutCommit>_<cutLsn>/<table>.base or base.manifest";
    static final String LATE_SHAPE = TENANTS + "<tenant>/late/<arrival>_<minCommit>_<maxCommit>_p<part>_<firstOffset>_<lastOffset>.late";
    static final String MARK_SHAPE = TENANTS + "<tenant>/durable/<yyyyMMdd>/<HH>/<point>_p<part>_<committedOffset>.mark";

    private BackupLayout() {
    }

    public static ObjectKey format(LayoutKey key) {
        Objects.requireNonNull(key, "key");
        if (key instanceof SegmentKey segment) {
            return segment(segment);
        } else if (key instanceof ManifestKey manifest) {
            return manifest(manifest);
        } else if (key instanceof BaseKey base) {
            return base(base);
        } else if (key instanceof BaseManifestKey baseManifest) {
            return baseManifest(baseManifest);
        } else if (key instanceof DrillKey drill) {
            return drill(drill);
        } else if (key instanceof LateNoticeKey late) {
            return lateNotice(late);
        } else if (key instanceof DurableMarkKey mark) {
            return mark(mark);
        } else if (key instanceof LedgerEntryKey entry) {
            return LedgerKeys.format(entry);
        } else if (key instanceof TombstoneKey tombstone) {
            return TombstoneKeys.format(tombstone);
        }
        throw new IllegalArgumentException("unknown kind of layout key: " + key.getClass().getName());
    }

    public static ObjectKey segment(SegmentKey k) {
        return new ObjectKey(logHourPrefix(k.tenant(), k.hour()).value()
                + KeyTime.format(k.minCommitMicros()) + "_" + KeyTime.format(k.maxCommitMicros())
                + "_p" + pad(k.partition(), 10) + "_" + pad(k.firstOffset(), 19) + "_" + pad(k.lastOffset(), 19) + ".seg");
    }

    public static ObjectKey manifest(ManifestKey k) {
        return new ObjectKey(manifestsPrefix(k.tenant()).value() + KeyTime.formatHour(k.hour()) + "." + pad(k.seq(), 6) + ".manifest");
    }

    public static ObjectKey base(BaseKey k) {
        return new ObjectKey(basePrefix(k.tenant(), k.cut()).value() + TableNameEscaping.escape(k.table()) + ".base");
    }

    public static ObjectKey baseManifest(BaseManifestKey k) {
        return new ObjectKey(basePrefix(k.tenant(), k.cut()).value() + BASE_MANIFEST_FILE);
    }

    public static ObjectKey drill(DrillKey k) {
        return DrillKeys.format(k);
    }

    public static ObjectKey lateNotice(LateNoticeKey k) {
        SegmentKey s = k.segment();
        return new ObjectKey(latePrefix(k.tenant()).value() + KeyTime.format(k.arrivalMicros()) + "_" + KeyTime.format(s.minCommitMicros())
                + "_" + KeyTime.format(s.maxCommitMicros()) + "_p" + pad(s.partition(), 10) + "_" + pad(s.firstOffset(), 19)
                + "_" + pad(s.lastOffset(), 19) + ".late");
    }

    public static ObjectKey mark(DurableMarkKey k) {
        return new ObjectKey(marksPrefix(k.tenant()).value() + KeyTime.dayAndHourDirectory(k.hour()) + "/"
                + KeyTime.format(k.pointMicros()) + "_p" + pad(k.partition(), 10) + "_" + pad(k.committedOffset(), 19) + ".mark");
    }

    /** {@code strata/v1/tenants/}: every tenant's objects. */
    public static ObjectKey allTenantsPrefix() {
        return new ObjectKey(TENANTS);
    }

    public static ObjectKey tenantPrefix(TenantId tenant) {
        return new ObjectKey(TENANTS + tenant.value() + "/");
    }

    /** Every log segment of a tenant, oldest first. */
    public static ObjectKey logPrefix(TenantId tenant) {
        return new ObjectKey(tenantPrefix(tenant).value() + LOG + "/");
    }

    /** The log segments whose first commit lies in {@code hour}. */
    public static ObjectKey logHourPrefix(TenantId tenant, UtcHour hour) {
        return new ObjectKey(logPrefix(tenant).value() + KeyTime.dayAndHourDirectory(hour) + "/");
    }

    /**
     * A start-after marker for {@link #logPrefix}: listing after it yields exactly the segments
     * whose minimum commit time is {@code >= fromMicros}. A segment that began before
     * {@code fromMicros} and ends after it is not among them: a caller that needs every segment
     * overlapping a time starts earlier by the longest segment span it allows.
     */
    public static ObjectKey logStartAfter(TenantId tenant, long fromMicros) {
        return new ObjectKey(logPrefix(tenant).value() + KeyTime.dayAndHourDirectory(fromMicros) + "/" + KeyTime.format(fromMicros));
    }

    public static ObjectKey manifestsPrefix(TenantId tenant) {
        return new ObjectKey(tenantPrefix(tenant).value() + MANIFESTS + "/");
    }

    /** A start-after marker for {@link #manifestsPrefix}: listing after it yields the manifests of {@code hour} and later. */
    public static ObjectKey manifestsStartAfter(TenantId tenant, UtcHour hour) {
        return new ObjectKey(manifestsPrefix(tenant).value() + KeyTime.formatHour(hour));
    }

    /** Every base of a tenant, oldest cut first. */
    public static ObjectKey basesPrefix(TenantId tenant) {
        return new ObjectKey(tenantPrefix(tenant).value() + BASES + "/");
    }

    /** The table bases and the base manifest of one cut. */
    public static ObjectKey basePrefix(TenantId tenant, BaseCut cut) {
        return new ObjectKey(basesPrefix(tenant).value() + KeyTime.format(cut.cutCommitMicros()) + "_" + pad(cut.cutLsn(), 19) + "/");
    }

    /** Every late notice of a tenant, in arrival order. */
    public static ObjectKey latePrefix(TenantId tenant) {
        return new ObjectKey(tenantPrefix(tenant).value() + LATE + "/");
    }

    /** A start-after marker for {@link #latePrefix}: listing after it yields the notices that arrived at {@code fromMicros} or later. */
    public static ObjectKey lateStartAfter(TenantId tenant, long fromMicros) {
        return new ObjectKey(latePrefix(tenant).value() + KeyTime.format(fromMicros));
    }

    /** Every durable mark of a tenant, lowest point first. */
    public static ObjectKey marksPrefix(TenantId tenant) {
        return new ObjectKey(tenantPrefix(tenant).value() + DURABLE + "/");
    }

    /** A start-after marker for {@link #marksPrefix}: listing after it yields exactly the marks whose point is {@code >= fromMicros}. */
    public static ObjectKey marksStartAfter(TenantId tenant, long fromMicros) {
        return new ObjectKey(marksPrefix(tenant).value() + KeyTime.dayAndHourDirectory(fromMicros) + "/" + KeyTime.format(fromMicros));
    }

    public static ObjectKey drillsPrefix(TenantId tenant) {
        return DrillKeys.prefix(tenant);
    }

    /** Every erasure ledger entry of a tenant, in request order. */
    public static ObjectKey ledgerPrefix(TenantId tenant) {
        return LedgerKeys.prefix(tenant);
    }

    /** A tenant's erasure tombstone (written once, by {@code tenants erase}). */
    public static ObjectKey tombstone(TenantId tenant) {
        return TombstoneKeys.format(new TombstoneKey(tenant));
    }

    /** {@code strata/v1/erased/}: every erased tenant's tombstone. */
    public static ObjectKey tombstonesPrefix() {
        return new ObjectKey(TombstoneKeys.ROOT);
    }

    /**
     * Wraps a key read back from the store (a listing). It must lie under {@link #ROOT}; its shape
     * is checked by {@link #parse}, so a stray object never breaks a listing but is still visible.
     */
    public static ObjectKey keyOf(String raw) {
        if (raw == null || !raw.startsWith(ROOT)) {
            throw new InvalidObjectKeyException(raw, "it does not start with " + ROOT);
        }
        for (String step : raw.substring(ROOT.length()).split("/", -1)) {
            if (step.equals(".") || step.equals("..")) {
                throw new InvalidObjectKeyException(raw, "it holds the path step '" + step + "'");
            }
        }
        return new ObjectKey(raw);
    }

    /** What a key names; throws {@link InvalidObjectKeyException} for anything but a canonical layout key. */
    public static LayoutKey parse(ObjectKey key) {
        String v = key.value();
        if (v.startsWith(DrillKeys.ROOT)) {
            return DrillKeys.parse(v);
        } else if (v.startsWith(LedgerKeys.ROOT)) {
            return LedgerKeys.parse(v);
        } else if (v.startsWith(TombstoneKeys.ROOT)) {
            return TombstoneKeys.parse(v);
        } else if (!v.startsWith(TENANTS)) {
            throw new InvalidObjectKeyException(v, "expected it to start with " + TENANTS + ", " + DrillKeys.ROOT + ", " + LedgerKeys.ROOT + " or "
                    + TombstoneKeys.ROOT);
        }
        String[] steps = v.substring(TENANTS.length()).split("/", -1);
        if (steps.length < 3) {
            throw new InvalidObjectKeyException(v, "too short; expected one of " + SEGMENT_SHAPE + ", " + MANIFEST_SHAPE + ", " + BASE_SHAPE
                    + ", " + MARK_SHAPE);
        }
        switch (steps[1]) {
            case LOG:
                return segmentFrom(v, steps);
            case MANIFESTS:
                return manifestFrom(v, steps);
            case BASES:
                return baseFrom(v, steps);
            case LATE:
                return lateFrom(v, steps);
            case DURABLE:
                return markFrom(v, steps);
            default:
                throw new InvalidObjectKeyException(v, "'" + steps[1] + "' is not log, manifests, bases, late or durable");
        }
    }

    public static SegmentKey parseSegment(ObjectKey key) {
        return expect(key, SegmentKey.class, SEGMENT_SHAPE);
    }

    public static ManifestKey parseManifest(ObjectKey key) {
        return expect(key, ManifestKey.class, MANIFEST_SHAPE);
    }

    public static BaseKey parseBase(ObjectKey key) {
        return expect(key, BaseKey.class, BASE_SHAPE);
    }

    public static BaseManifestKey parseBaseManifest(ObjectKey key) {
        return expect(key, BaseManifestKey.class, BASE_SHAPE);
    }

    public static LateNoticeKey parseLateNotice(ObjectKey key) {
        return expect(key, LateNoticeKey.class, LATE_SHAPE);
    }

    public static DrillKey parseDrill(ObjectKey key) {
        return expect(key, DrillKey.class, DrillKeys.SHAPE);
    }

    public static DurableMarkKey parseMark(ObjectKey key) {
        return expect(key, DurableMarkKey.class, MARK_SHAPE);
    }

    public static LedgerEntryKey parseLedgerEntry(ObjectKey key) {
        return expect(key, LedgerEntryKey.class, LedgerKeys.SHAPE);
    }

    public static TombstoneKey parseTombstone(ObjectKey key) {
        return expect(key, TombstoneKey.class, TombstoneKeys.SHAPE);
    }

    private static <T extends LayoutKey> T expect(ObjectKey key, Class<T> kind, String shape) {
        LayoutKey parsed = parse(key);
        if (!kind.isInstance(parsed)) {
            throw new InvalidObjectKeyException(key.value(), "it names a " + parsed.getClass().getSimpleName()
                    + ", not a " + kind.getSimpleName() + " (" + shape + ")");
        }
        return kind.cast(parsed);
    }

    private static SegmentKey segmentFrom(String v, String[] steps) {
        if (steps.length != 5) {
            throw new InvalidObjectKeyException(v, "expected " + SEGMENT_SHAPE);
        }
        Matcher m = KeyParsing.match(SEGMENT_FILE, steps[4], v, SEGMENT_SHAPE);
        SegmentKey parsed = KeyParsing.build(v, SEGMENT_SHAPE, () -> new SegmentKey(TenantId.of(steps[0]), KeyTime.parse(m.group(1)),
                KeyTime.parse(m.group(2)), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5))));
        return KeyParsing.canonical(v, segment(parsed), parsed);
    }

    private static ManifestKey manifestFrom(String v, String[] steps) {
        if (steps.length != 3) {
            throw new InvalidObjectKeyException(v, "expected " + MANIFEST_SHAPE);
        }
        Matcher m = KeyParsing.match(MANIFEST_FILE, steps[2], v, MANIFEST_SHAPE);
        ManifestKey parsed = KeyParsing.build(v, MANIFEST_SHAPE, () -> new ManifestKey(TenantId.of(steps[0]), KeyTime.parseHour(m.group(1)),
                Integer.parseInt(m.group(2))));
        return KeyParsing.canonical(v, manifest(parsed), parsed);
    }

    private static LayoutKey baseFrom(String v, String[] steps) {
        if (steps.length != 4) {
            throw new InvalidObjectKeyException(v, "expected " + BASE_SHAPE);
        }
        Matcher cutMatch = KeyParsing.match(CUT_DIRECTORY, steps[2], v, BASE_SHAPE);
        BaseCut cut = KeyParsing.build(v, BASE_SHAPE, () -> new BaseCut(KeyTime.parse(cutMatch.group(1)), Long.parseLong(cutMatch.group(2))));
        TenantId tenant = KeyParsing.build(v, BASE_SHAPE, () -> TenantId.of(steps[0]));
        if (steps[3].equals(BASE_MANIFEST_FILE)) {
            BaseManifestKey parsed = new BaseManifestKey(tenant, cut);
            return KeyParsing.canonical(v, baseManifest(parsed), parsed);
        }
        Matcher m = KeyParsing.match(BASE_FILE, steps[3], v, BASE_SHAPE);
        BaseKey parsed = KeyParsing.build(v, BASE_SHAPE, () -> new BaseKey(tenant, cut, TableNameEscaping.unescape(m.group(1))));
        return KeyParsing.canonical(v, base(parsed), parsed);
    }

    private static LateNoticeKey lateFrom(String v, String[] steps) {
        if (steps.length != 3) {
            throw new InvalidObjectKeyException(v, "expected " + LATE_SHAPE);
        }
        Matcher m = KeyParsing.match(LATE_FILE, steps[2], v, LATE_SHAPE);
        LateNoticeKey parsed = KeyParsing.build(v, LATE_SHAPE, () -> {
            TenantId tenant = TenantId.of(steps[0]);
            return new LateNoticeKey(tenant, KeyTime.parse(m.group(1)), new SegmentKey(tenant, KeyTime.parse(m.group(2)),
                    KeyTime.parse(m.group(3)), Integer.parseInt(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6))));
        });
        return KeyParsing.canonical(v, lateNotice(parsed), parsed);
    }

    private static DurableMarkKey markFrom(String v, String[] steps) {
        if (steps.length != 5) {
            throw new InvalidObjectKeyException(v, "expected " + MARK_SHAPE);
        }
        Matcher m = KeyParsing.match(MARK_FILE, steps[4], v, MARK_SHAPE);
        DurableMarkKey parsed = KeyParsing.build(v, MARK_SHAPE, () -> new DurableMarkKey(TenantId.of(steps[0]), KeyTime.parse(m.group(1)),
                Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
        return KeyParsing.canonical(v, mark(parsed), parsed);
    }

    private static String pad(long value, int width) {
        return String.format(Locale.ROOT, "%0" + width + "d", value);
    }
}
