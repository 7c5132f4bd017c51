package dev.strata.schemas.store.s3;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.NonRetryableException;
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
    /** The largest array the JDK gives. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    /** The body's bytes and the response, as the SDK's own transformer pairs them. */
    record Read(GetObjectResponse response, byte[] bytes) {
    }

    private WholeBody() {
    }

    static ResponseTransformer<GetObjectResponse, Read> transformer(String object) {
        return (response, body) -> {
            Long declared = response.contentLength();
            if (declared != null && declared > MAX_ARRAY_BYTES) {
                String tooLarge = "object " + object + " is " + declared + " bytes, more than one read holds in memory (at most "
                        + MAX_ARRAY_BYTES + "): read it to a file instead";
                throw NonRetryableException.builder().message(tooLarge).cause(new BodyTooLargeException(tooLarge)).build();
            }
            try {
                return new Read(response, read(body, declared, object));
            } catch (IOException e) {
                // as the SDK's own transformers: a body cut off part-way is for the SDK to GET again (an IOException thrown
                // as it is would end the request at once)
                throw RetryableException.builder().message("reading the body of object " + object + " failed: " + e).cause(e).build();
            }
        };
    }

    /**
     * @param declared the response's Content-Length; null when it gave none
     * @throws IOException when the body ends before or runs past a declared length it was given one array for
     */
    static byte[] read(InputStream body, Long declared, String object) throws IOException {
        if (declared == null || declared < 0 || declared > UP_FRONT_BYTES) {
            return body.readAllBytes();
        }
        byte[] bytes = new byte[(int) declared.longValue()];
        int read = body.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            throw new BodyLengthException("object " + object + "'s body ended after " + read + " of its declared " + declared + " bytes");
        }
        // read to its end, as the connection goes back to the pool only then
        if (body.read() >= 0) {
            throw new BodyLengthException("object " + object + "'s body runs past its declared " + declared + " bytes");
        }
        return bytes;
    }
}
