package dev.strata.schemas.manifest;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies a tenant's manifests as one hash chain. Each link is checked against the SHA-256 of the
 * bytes actually stored before it, so one edited manifest shows as exactly one broken link (at its
 * successor), and verification goes on past a break to report them all.
 */
public final class ManifestChain {

    private static final Comparator<ManifestKey> ORDER =
            Comparator.comparing(ManifestKey::hour).thenComparingInt(ManifestKey::seq);

    private ManifestChain() {
    }

    /** Verifies a whole chain: the first manifest must be the tenant's first (no previous). */
    public static ChainReport verify(List<StoredManifest> inKeyOrder) {
        return verify(Optional.empty(), inKeyOrder);
    }

    /**
     * Verifies a chain that continues from a manifest already trusted.
     *
     * @param previousOfFirst the SHA-256 the first manifest must link to; empty if it is the tenant's first
     */
    public static ChainReport verify(Optional<Sha256> previousOfFirst, List<StoredManifest> inKeyOrder) {
        Objects.requireNonNull(previousOfFirst, "previousOfFirst");
        List<ChainBreak> breaks = new ArrayList<>();
        Optional<Sha256> expectedLink = previousOfFirst;
        ManifestKey last = null;
        for (StoredManifest stored : inKeyOrder) {
            Sha256 actual = Sha256.of(stored.bytes());
            Manifest manifest;
            try {
                manifest = ManifestCodec.decode(stored.bytes());
            } catch (ManifestFormatException e) {
                breaks.add(new ChainBreak(stored.key(), ChainBreak.Problem.UNREADABLE, e.getMessage()));
                expectedLink = Optional.of(actual);
                continue;
            }
            ObjectKey where = BackupLayout.manifest(manifest.key());
            if (!where.equals(stored.key())) {
                breaks.add(new ChainBreak(stored.key(), ChainBreak.Problem.MISPLACED, "its content belongs at " + where));
            }
            if (last != null && (!last.tenant().equals(manifest.tenant()) || ORDER.compare(last, manifest.key()) >= 0)) {
                breaks.add(new ChainBreak(stored.key(), ChainBreak.Problem.OUT_OF_ORDER,
                        manifest.key() + " does not follow " + last + " of the same tenant"));
            }
            if (!manifest.previous().equals(expectedLink)) {
                breaks.add(new ChainBreak(stored.key(), ChainBreak.Problem.BROKEN_LINK, "links to "
                        + manifest.previous().map(Sha256::hex).orElse("nothing (a first manifest)") + " but the manifest before it hashes to "
                        + expectedLink.map(Sha256::hex).orElse("nothing (there is none)")
                        + ": the previous manifest was edited, or one is missing"));
            }
            last = manifest.key();
            expectedLink = Optional.of(actual);
        }
        return new ChainReport(breaks, inKeyOrder.isEmpty() ? Optional.empty() : expectedLink, inKeyOrder.size());
    }
}
