package dev.strata.schemas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.NonRetryableException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

class WholeBodyTest {
    private static final byte[] BODY = new byte[300_000];

    static {
        new Random(7).nextBytes(BODY);
    }

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
    void readsALengthTooLargeToTrustAsItComes() throws IOException {
        // a header claiming 1 GiB must not cost 1 GiB before a byte arrived
        assertThat(WholeBody.read(trickling(BODY), 1L << 30, "k")).isEqualTo(BODY);
    }

    @Test
    void aBodyCutOffMidWayIsForTheSdkToGetAgain() {
        InputStream cutOff = new SequenceInputStream(new ByteArrayInputStream(BODY, 0, 1_000), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketException("Connection reset");
            }
        });
        GetObjectResponse response = GetObjectResponse.builder().contentLength((long) BODY.length).build();
        assertThatThrownBy(() -> WholeBody.transformer("tenants/t/segment").transform(response, AbortableInputStream.create(cutOff)))
                .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("reading the body of object tenants/t/segment failed")
                .hasRootCauseInstanceOf(SocketException.class);
    }

    @Test
    void aBodyNoArrayHoldsIsRefusedBeforeItIsRead() {
        GetObjectResponse response = GetObjectResponse.builder().contentLength(WholeBody.MAX_ARRAY_BYTES + 1).build();
        assertThatThrownBy(() -> WholeBody.transformer("tenants/t/base").transform(response, AbortableInputStream.create(trickling(BODY))))
                .isInstanceOfSatisfying(NonRetryableException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessage("object tenants/t/base is 2147483640 bytes, more than one read holds in memory (at most 2147483639): read it"
                        + " to a file instead");
    }

    @Test
    void theTransformerPairsTheBytesWithTheResponse() throws Exception {
        GetObjectResponse response = GetObjectResponse.builder().contentLength((long) BODY.length).versionId("v1").build();
        WholeBody.Read read = WholeBody.transformer("k").transform(response, AbortableInputStream.create(trickling(BODY)));
        assertThat(read.bytes()).isEqualTo(BODY);
        assertThat(read.response().versionId()).isEqualTo("v1");
    }
}
