package dev.strata.schemas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.LocalFileException;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** What each kind of failure the SDK wraps is called: the endpoint's silence, a cut-off answer, a body too large, the local disk. */
class S3FailuresTest {
    private static final StoreLocation LOCATION = new StoreLocation(URI.create("http://127.0.0.1:9"), "strata-test", "us-east-1");
    private static final ObjectKey KEY = BackupLayout.segment(new SegmentKey(TenantId.of("acme"), 0, 0, 0, 0, 0));

    private static RuntimeException translate(Throwable cause) {
        return S3Failures.translate(SdkClientException.builder().message("wrapped").cause(cause).build(), StoreOperation.GET, LOCATION, KEY);
    }

    @Test
    void silenceIsNoAnswer() {
        assertThat(translate(new SocketTimeoutException("Read timed out"))).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("no answer from http://127.0.0.1:9");
    }

    @Test
    void aBodyShorterThanItsDeclaredLengthIsCutOff() {
        assertThat(translate(new BodyLengthException("object k's body ended after 5 of its declared 10 bytes")))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("the answer from http://127.0.0.1:9 was cut off")
                .hasMessageContaining("ended after 5 of its declared 10 bytes");
    }

    @Test
    void aBodyTooLargeIsTheAnswersFaultWithItsSize() {
        assertThat(translate(new BodyTooLargeException("object k is 3221225472 bytes, more than one read holds in memory")))
                .isInstanceOf(StoreRequestFailedException.class)
                .hasMessageContaining("3221225472 bytes");
    }

    @Test
    void aLocalFileIsTheDisksFailure() {
        LocalFileException local = new LocalFileException(Path.of("/full/disk/object"), new IOException("No space left on device"));
        assertThat(translate(local)).isInstanceOf(UncheckedIOException.class).hasCause(local)
                .hasMessageContaining("cannot write the local file /full/disk/object: No space left on device");
    }
}
