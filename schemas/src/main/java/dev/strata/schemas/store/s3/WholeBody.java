package dev.strata.schemas.store.s3;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads a GET's body into one array of the length its response declares, in reads as large as the socket
 * gives. The SDK's {@code ResponseTransformer.toBytes()} reads 4 KiB at a time into a growing buffer and
 * copies it once more at the end: for a restore's segments, tens of thousands of calls through the HTTP
 * client's stream stack, enough for the JIT to compile that stack with C2 while the reader threads need
 * the compiler for the decoder.
 */
final class WholeBody {
    /**
     * The largest declared length given one array before its bytes arrive (a segment is far smaller); a larger one
     * is read as it comes, so that a wrong header cannot make the reader allocate what was never sent.
     */
    static final long UP_FRONT_BYTES = 64L << 20;

    /** The body's bytes and the response, as the SDK's own transformer pairs them. */
    record Read(GetObjectResponse response, byte[] bytes) {
    }

    private WholeBody() {
    }

    static ResponseTransformer<GetObjectResponse, Read> transformer(String object) {
        return (response, body) -> {
            try {
                return new Read(response, read(body, response.contentLength(), object));
            } catch (IOException e) {
                throw retryable(object, e);
            }
        };
    }

    /**
     * A body that failed part-way, for the SDK to GET again, as its own transformers do: an IOException a transformer
     * throws as it is ends the request at once.
     */
    static RetryableException retryable(String object, IOException e) {
        return RetryableException.builder().message("reading the body of object " + object + " failed: " + e).cause(e).build();
    }

    /**
     * @param declared the response's Content-Length; null when it gave none
     * @throws IOException when the body ends before or runs past its declared length
     */
    static byte[] read(InputStream body, Long declared, String object) throws IOException {
        if (declared == null || declared < 0 || declared > UP_FRONT_BYTES) {
            return body.readAllBytes();
        }
        byte[] bytes = new byte[(int) declared.longValue()];
        int read = body.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            throw new IOException("object " + object + "'s body ended after " + read + " of its declared " + declared + " bytes");
        }
        // read to its end, as the connection goes back to the pool only then
        if (body.read() >= 0) {
            throw new IOException("object " + object + "'s body runs past its declared " + declared + " bytes");
        }
        return bytes;
    }
}
