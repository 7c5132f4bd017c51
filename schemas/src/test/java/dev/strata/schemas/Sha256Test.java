package dev.strata.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {

    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
    private static final String ABC_HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void knownVectorInHexAndBase64() {
        assertThat(Sha256.of(ABC).hex()).isEqualTo(ABC_HEX);
        assertThat(Sha256.of(ABC).base64()).isEqualTo("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assertThat(Sha256.of(new ByteArrayInputStream(ABC))).isEqualTo(Sha256.of(ABC));
    }

    @Test
    void hexRoundTripsAndIgnoresCase() {
        assertThat(Sha256.fromHex(ABC_HEX)).isEqualTo(Sha256.of(ABC));
        assertThat(Sha256.fromHex(ABC_HEX.toUpperCase(java.util.Locale.ROOT))).isEqualTo(Sha256.of(ABC));
        assertThat(Sha256.of(ABC).matches(ABC)).isTrue();
        assertThat(Sha256.of(ABC).matches(new byte[0])).isFalse();
    }

    @Test
    void rejectsBadHex() {
        assertThatThrownBy(() -> Sha256.fromHex("abc")).hasMessageContaining("64 digits, not 3");
        assertThatThrownBy(() -> Sha256.fromHex("z".repeat(64))).hasMessageContaining("is not a SHA-256 in hex");
    }
}
