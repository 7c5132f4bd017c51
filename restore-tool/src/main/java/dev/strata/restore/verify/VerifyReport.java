package dev.strata.restore.verify;

import dev.strata.schemas.TenantId;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Findings of {@code verify}: failures (exit 3) and warnings, plus what was checked. Thread-safe. */
public final class VerifyReport {
    private final TenantId tenant;
    private final List<String> failures = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private long objectsChecked;
    private long unsealed;
    private String unsealedExample;
    private long bytesChecked;
    private long marks;
    private int manifests;
    private String head = "none";
    private int completeBases;
    private int incompleteBases;
    private long duplicatesRemoved;
    private String chainAnchor;
    private long expiredNamed;

    VerifyReport(TenantId tenant) {
        this.tenant = tenant;
    }

    synchronized void fail(String finding) {
        failures.add(finding);
    }

    synchronized void warn(String finding) {
        warnings.add(finding);
    }

    synchronized void checked(long bytes) {
        objectsChecked++;
        bytesChecked += bytes;
    }

    /** An object no manifest names yet: checked against its writer's declared SHA-256 only. */
    synchronized void unsealed(String key) {
        unsealed++;
        if (unsealedExample == null) {
            unsealedExample = key;
        }
    }

    /** A durable mark's copy checked against its name, its tenant and the segments. */
    synchronized void mark() {
        marks++;
    }

    /** A base checked through its manifest (complete), or table objects without one (incomplete). */
    synchronized void base(boolean complete) {
        if (complete) {
            completeBases++;
        } else {
            incompleteBases++;
        }
    }

    /** Changes a base's fold found twice in the log (a crash wrote a transaction again) and kept once. */
    synchronized void duplicatesRemoved(long count) {
        duplicatesRemoved += count;
    }

    synchronized void manifests(int count, String headSha) {
        manifests = count;
        head = headSha;
    }

    /** The chain was verified from the first kept manifest: the ones before it expired by retention. */
    synchronized void anchored(String detail) {
        chainAnchor = detail;
    }

    /** An object a manifest names that expired by retention: no kept restore point needs it. */
    synchronized void expiredNamed() {
        expiredNamed++;
    }

    public synchronized boolean ok() {
        return failures.isEmpty();
    }

    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    public synchronized void print(PrintWriter out) {
        failures.forEach(f -> out.println("FAILED: " + f));
        warnings.forEach(w -> out.println("warning: " + w));
        if (unsealed > 0) {
            out.printf(Locale.ROOT, "note: %d object copies are in hours not sealed yet (e.g. %s): checked against their declared"
                    + " SHA-256 only%n", unsealed, unsealedExample);
        }
        if (chainAnchor != null || expiredNamed > 0) {
            out.printf(Locale.ROOT, "retention: %s; %,d objects named by kept manifests expired (no kept restore point needs them)%n",
                    chainAnchor == null ? "the manifest chain is whole" : chainAnchor, expiredNamed);
        }
        out.printf(Locale.ROOT, "tenant %s: %,d object copies checked (%,d bytes) in both regions, %d manifests in the chain,"
                + " chain head SHA-256 %s; bases: %d complete, %d incomplete; %,d durable mark copies%n", tenant, objectsChecked, bytesChecked,
                manifests, head, completeBases, incompleteBases, marks);
        if (completeBases > 0) {
            out.printf(Locale.ROOT, "duplicates: %,d change(s) stored twice (whole transactions written again after a crash) were"
                    + " removed by the folds of its bases%n", duplicatesRemoved);
        }
        out.println(ok() ? "verify: OK" : "verify: FAILED, " + failures.size() + " problem(s): the backup of tenant " + tenant
                + " is not as it was written; restore reads first versions and falls back to the other region, see above");
        out.flush();
    }
}
