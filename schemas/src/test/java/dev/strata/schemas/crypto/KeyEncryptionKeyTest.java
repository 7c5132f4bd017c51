package dev.strata.schemas.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEncryptionKeyTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final DataKeyId ID = new DataKeyId("202612-00ff");

    @TempDir
    Path dir;

    private KeyEncryptionKey kek(int seed) {
        byte[] material = new byte[32];
        material[0] = (byte) seed;
        return KeyEncryptionKey.of(material);
    }

    @Test
    void unwrapsWhatItWrappedAndTheWrappedFormHidesTheKey() {
        DataKey key = KeyEncryptionKey.newDataKey(ACME, ID);
        byte[] wrapped = kek(1).wrap(key);
        assertThat(new String(wrapped, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(key.material(), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(kek(1).unwrap(ACME, ID, wrapped).material()).isEqualTo(key.material());
    }

    @Test
    void anotherKekAnotherTenantOrAnotherIdDoNotUnwrap() {
        byte[] wrapped = kek(1).wrap(KeyEncryptionKey.newDataKey(ACME, ID));
        assertThatThrownBy(() -> kek(2).unwrap(ACME, ID, wrapped)).isInstanceOf(DataKeyUnavailableException.class)
                .hasMessageContaining("kek.file");
        assertThatThrownBy(() -> kek(1).unwrap(TenantId.of("globex"), ID, wrapped)).isInstanceOf(DataKeyUnavailableException.class);
        assertThatThrownBy(() -> kek(1).unwrap(ACME, new DataKeyId("202612-0100"), wrapped))
                .isInstanceOf(DataKeyUnavailableException.class);
    }

    @Test
    void readsItsFileAndRefusesAShortOneNamingTheSettingAndTheFix() throws Exception {
        Path good = Files.writeString(dir.resolve("kek"), Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        DataKey key = KeyEncryptionKey.newDataKey(ACME, ID);
        assertThat(KeyEncryptionKey.fromFile(good, "strata.regime.us.kek.file").unwrap(ACME, ID, KeyEncryptionKey.of(new byte[32]).wrap(key))
                .material()).isEqualTo(key.material());
        Path shortOne = Files.writeString(dir.resolve("short"), Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> KeyEncryptionKey.fromFile(shortOne, "strata.regime.us.kek.file"))
                .hasMessageContaining("strata.regime.us.kek.file").hasMessageContaining("16 bytes").hasMessageContaining("head -c 32");
        assertThat(KeyEncryptionKey.of(new byte[32]).toString()).isEqualTo("KeyEncryptionKey[redacted]");
    }
}
