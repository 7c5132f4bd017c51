package dev.strata.schemas.manifest;

import static dev.strata.schemas.manifest.ManifestCodecTest.ACME;
import static dev.strata.schemas.manifest.ManifestCodecTest.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestChainTest {

    /** Five sealed hours, each linking to the one before, as the sink writes them. */
    private static List<StoredManifest> chain() {
        List<StoredManifest> chain = new ArrayList<>();
        Optional<Sha256> previous = Optional.empty();
        for (int i = 0; i < 5; i++) {
            UtcHour hour = new UtcHour(HOUR.epochHour() + i);
            SealedManifest sealed = ManifestCodec.seal(ManifestCodecTest.manifest(hour, 0, previous, 3));
            chain.add(new StoredManifest(BackupLayout.manifest(sealed.manifest().key()), sealed.bytes()));
            previous = Optional.of(sealed.sha256());
        }
        return chain;
    }

    @Test
    void anIntactChainVerifiesAndReportsItsHead() {
        List<StoredManifest> chain = chain();
        ChainReport report = ManifestChain.verify(chain);
        assertThat(report.intact()).isTrue();
        assertThat(report.manifestsVerified()).isEqualTo(5);
        assertThat(report.head()).contains(Sha256.of(chain.get(4).bytes()));
    }

    @Test
    void anEditedEntryBreaksTheNextLink() {
        List<StoredManifest> chain = chain();
        Manifest original = ManifestCodec.decode(chain.get(2).bytes());
        List<ManifestEntry> edited = new ArrayList<>(original.entries());
        ManifestEntry victim = edited.get(1);
        edited.set(1, new ManifestEntry(victim.key(), victim.size(), Sha256.of("forged".getBytes(StandardCharsets.UTF_8))));
        byte[] forged = ManifestCodec.encode(new Manifest(ACME, original.hour(), original.seq(), original.previous(), edited));
        chain.set(2, new StoredManifest(chain.get(2).key(), forged));

        ChainReport report = ManifestChain.verify(chain);
        assertThat(report.breaks()).hasSize(1);
        ChainBreak brk = report.breaks().get(0);
        assertThat(brk.key()).isEqualTo(chain.get(3).key());
        assertThat(brk.problem()).isEqualTo(ChainBreak.Problem.BROKEN_LINK);
        assertThat(brk.detail()).contains("the previous manifest was edited, or one is missing");
    }

    @Test
    void aMissingManifestBreaksTheLinkOfTheOneAfterIt() {
        List<StoredManifest> chain = chain();
        chain.remove(1);
        ChainReport report = ManifestChain.verify(chain);
        assertThat(report.breaks()).extracting(ChainBreak::problem).containsExactly(ChainBreak.Problem.BROKEN_LINK);
        assertThat(report.breaks().get(0).key()).isEqualTo(chain.get(1).key());
    }

    @Test
    void aByteFlipMakesTheManifestUnreadableOrBreaksTheNextLink() {
        List<StoredManifest> chain = chain();
        byte[] bytes = chain.get(0).bytes().clone();
        bytes[bytes.length / 2] ^= 0x01;
        chain.set(0, new StoredManifest(chain.get(0).key(), bytes));
        ChainReport report = ManifestChain.verify(chain);
        assertThat(report.intact()).isFalse();
        assertThat(report.breaks()).extracting(ChainBreak::key).contains(chain.get(1).key());
    }

    @Test
    void aManifestStoredUnderAnotherKeyOrOutOfOrderIsReported() {
        List<StoredManifest> chain = chain();
        ManifestKey elsewhere = new ManifestKey(ACME, HOUR, 7);
        chain.set(0, new StoredManifest(BackupLayout.manifest(elsewhere), chain.get(0).bytes()));
        assertThat(ManifestChain.verify(chain).breaks()).extracting(ChainBreak::problem).containsExactly(ChainBreak.Problem.MISPLACED);

        List<StoredManifest> swapped = chain();
        StoredManifest first = swapped.remove(0);
        swapped.add(1, first);
        assertThat(ManifestChain.verify(swapped).breaks()).extracting(ChainBreak::problem)
                .contains(ChainBreak.Problem.OUT_OF_ORDER, ChainBreak.Problem.BROKEN_LINK);
    }

    @Test
    void aSuffixVerifiesFromATrustedLink() {
        List<StoredManifest> chain = chain();
        Sha256 trusted = Sha256.of(chain.get(1).bytes());
        assertThat(ManifestChain.verify(Optional.of(trusted), chain.subList(2, 5)).intact()).isTrue();
        assertThat(ManifestChain.verify(chain.subList(2, 5)).breaks()).extracting(ChainBreak::problem)
                .containsExactly(ChainBreak.Problem.BROKEN_LINK);
    }
}
