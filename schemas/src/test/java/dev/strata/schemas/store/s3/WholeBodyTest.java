package dev.strata.schemas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WholeBodyTest {
    private static final byte[] BODY = new Random(7).ints(300_000, 0, 256).collect(() -> new java.io.ByteArrayOutputStream(),
            (out, b) -> out.write(b), (a, b) -> a.writeBytes(b.toByteArray())).toByteArray();

    /** A socket's stream: each read gives at most a few KiB, whatever was asked. */
    private static InputStream trickling(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 3_001));
            }
        };
    }

    @Test
    void readsTheDeclaredLengthWhateverEachReadGives() throws IOException {
        assertThat(WholeBody.read(trickling(BODY), (long) BODY.length, "k")).isEqualTo(BODY);
    }

    @Test
    void readsAnEmptyBody() throws IOException {
        assertThat(WholeBody.read(trickling(new byte[0]), 0L, "k")).isEmpty();
    }

    @Test
    void readsToTheEndWhenNoLengthIsDeclared() throws IOException {
        assertThat(WholeBody.read(trickling(BODY), null, "k")).isEqualTo(BODY);
    }

    @Test
    void refusesABodyShorterThanDeclared() {
        assertThatThrownBy(() -> WholeBody.read(trickling(BODY), BODY.length + 1L, "tenants/t/segment"))
                .isInstanceOf(IOException.class)
                .hasMessage("object tenants/t/segment's body ended after 300000 of its declared 300001 bytes");
    }

    @Test
    void refusesABodyLongerThanDeclared() {
        assertThatThrownBy(() -> WholeBody.read(trickling(BODY), BODY.length - 1L, "tenants/t/segment"))
                .isInstanceOf(IOException.class)
                .hasMessage("object tenants/t/segment's body runs past its declared 299999 bytes");
    }

    @Test
    void refusesALengthNoArrayHolds() {
        assertThatThrownBy(() -> WholeBody.read(trickling(BODY), WholeBody.MAX_BYTES + 1, "tenants/t/base"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("object tenants/t/base declares a body of 2147483640 bytes")
                .hasMessageContaining("read it to a file instead");
    }
}
