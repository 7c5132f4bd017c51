package dev.strata.schemas.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SealedBodyTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final String KEY = "strata/v1/tenants/acme/log/20261205/08/a.seg";
    private static final Instant T = Instant.parse("2026-12-05T08:00:00Z");

    private final MapDataKeys keys = new MapDataKeys();

    private static byte[] plain(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private byte[] seal(byte[] plain) {
        return SealedBody.seal(keys.sealing(ACME, T), KEY, Sha256.of(plain), plain);
    }

    @Test
    void opensWhatItSealedAtEverySizeAroundChunkBoundaries() {
        for (int size : new int[] {0, 1, 1000, SealedBody.CHUNK_BYTES - 1, SealedBody.CHUNK_BYTES, SealedBody.CHUNK_BYTES + 1,
                2 * SealedBody.CHUNK_BYTES}) {
            byte[] plain = plain(size);
            byte[] sealed = seal(plain);
            assertThat(SealedBody.isSealed(sealed)).isTrue();
            if (size >= 16) { // a shorter plaintext can occur in random ciphertext or in the header by chance (it did: one byte)
                assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
                        .doesNotContain(new String(plain, 0, Math.min(size, 64), StandardCharsets.ISO_8859_1));
            }
            assertThat(SealedBody.open(keys, ACME, KEY, sealed)).as("size %d", size).isEqualTo(plain);
        }
    }

    @Test
    void sameObjectAndPlaintextSealToTheSameBytesSoARetryIsNoConflict() {
        byte[] plain = plain(5000);
        assertThat(seal(plain)).isEqualTo(seal(plain));
        byte[] other = SealedBody.seal(keys.sealing(ACME, T), KEY + "x", Sha256.of(plain), plain);
        assertThat(Arrays.copyOfRange(other, 0, 40)).isNotEqualTo(Arrays.copyOfRange(seal(plain), 0, 40));
    }

    @Test
    void anAlteredBodyIsRefusedNamingTheObjectKey() {
        byte[] sealed = seal(plain(3000));
        sealed[sealed.length - 100] ^= 1;
        assertThatThrownBy(() -> SealedBody.open(keys, ACME, KEY, sealed))
                .isInstanceOf(UnopenableBodyException.class).hasMessageContaining("body of " + KEY + " fails authentication");
    }

    @Test
    void anAlteredHeaderNonceIsRefused() {
        byte[] sealed = seal(plain(3000));
        int nonceAt = SealHeader.MAGIC.length + 2 + keys.sealing(ACME, T).id().value().length();
        sealed[nonceAt] ^= 1;
        assertThatThrownBy(() -> SealedBody.open(keys, ACME, KEY, sealed))
                .isInstanceOf(UnopenableBodyException.class).hasMessageContaining(KEY);
    }

    @Test
    void aHeaderInAnUnknownVersionIsRefusedAskingForAnUpgrade() {
        byte[] sealed = seal(plain(10));
        sealed[SealHeader.MAGIC.length] = 9;
        assertThatThrownBy(() -> SealedBody.open(keys, ACME, KEY, sealed))
                .isInstanceOf(UnopenableBodyException.class).hasMessageContaining("format version 9").hasMessageContaining("upgrade");
    }

    @Test
    void aBodyMovedToAnotherObjectKeyIsRefused() {
        byte[] sealed = seal(plain(3000));
        String moved = "strata/v1/tenants/acme/log/20261205/08/b.seg";
        assertThatThrownBy(() -> SealedBody.open(keys, ACME, moved, sealed))
                .isInstanceOf(UnopenableBodyException.class).hasMessageContaining("body of " + moved);
    }

    @Test
    void aBodyCutAtAChunkBoundaryIsRefused() {
        byte[] sealed = seal(plain(2 * SealedBody.CHUNK_BYTES + 10));
        int header = sealed.length - (2 * SealedBody.CHUNK_BYTES + 10) - 3 * SealedBody.TAG_BYTES;
        byte[] cut = Arrays.copyOf(sealed, header + SealedBody.CHUNK_BYTES + SealedBody.TAG_BYTES);
        assertThatThrownBy(() -> SealedBody.open(keys, ACME, KEY, cut)).isInstanceOf(UnopenableBodyException.class);
    }

    @Test
    void theWrongKeyUnderTheSameIdIsRefused() {
        byte[] sealed = seal(plain(3000));
        DataKey right = keys.sealing(ACME, T);
        keys.replace(KeyEncryptionKey.newDataKey(ACME, right.id()));
        assertThatThrownBy(() -> SealedBody.open(keys, ACME, KEY, sealed))
                .isInstanceOf(UnopenableBodyException.class).hasMessageContaining("data key " + right.id());
    }

    @Test
    void aMissingKeySaysSo() {
        byte[] sealed = seal(plain(10));
        assertThatThrownBy(() -> SealedBody.open(new MapDataKeys(), ACME, KEY, sealed))
                .isInstanceOf(DataKeyUnavailableException.class).hasMessageContaining("tenant acme");
    }

    @Test
    void anAvroBodyWrittenBeforeSealingIsNotTakenForASealedOne() {
        assertThat(SealedBody.isSealed(new byte[] {'O', 'b', 'j', 1, 0, 0})).isFalse();
    }

    @Test
    void openedWhileReadItGivesEachChunkOnceAuthenticatedAndFailsAtTheAlteredOne() throws IOException {
        byte[] plain = plain(2 * SealedBody.CHUNK_BYTES + 10);
        byte[] sealed = seal(plain);
        try (InputStream opened = SealedBody.opening(keys, ACME, KEY, new ByteArrayInputStream(sealed))) {
            assertThat(opened.readAllBytes()).isEqualTo(plain);
        }
        sealed[sealed.length - 5] ^= 1; // in the last chunk (10 bytes and its tag)
        try (InputStream opened = SealedBody.opening(keys, ACME, KEY, new ByteArrayInputStream(sealed))) {
            byte[] first = opened.readNBytes(2 * SealedBody.CHUNK_BYTES);
            assertThat(first).isEqualTo(Arrays.copyOf(plain, 2 * SealedBody.CHUNK_BYTES));
            assertThatThrownBy(opened::read).isInstanceOf(UnopenableBodyException.class)
                    .hasMessageContaining("body of " + KEY + " fails authentication");
        }
    }

    @Test
    void openedWhileReadAMissingKeyFailsBeforeAnyByteAndACutBodyAtItsEnd() throws IOException {
        byte[] sealed = seal(plain(2 * SealedBody.CHUNK_BYTES + 10));
        assertThatThrownBy(() -> SealedBody.opening(new MapDataKeys(), ACME, KEY, new ByteArrayInputStream(sealed)))
                .isInstanceOf(DataKeyUnavailableException.class).hasMessageContaining("tenant acme");
        int header = sealed.length - (2 * SealedBody.CHUNK_BYTES + 10) - 3 * SealedBody.TAG_BYTES;
        byte[] cut = Arrays.copyOf(sealed, header + SealedBody.CHUNK_BYTES + SealedBody.TAG_BYTES);
        try (InputStream opened = SealedBody.opening(keys, ACME, KEY, new ByteArrayInputStream(cut))) {
            // the one chunk left claims to be the last, which it was not when sealed
            assertThatThrownBy(opened::readAllBytes).isInstanceOf(UnopenableBodyException.class);
        }
    }
}
