package dev.strata.schemas.store.s3;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads a GET's body into one array of the length its response declares, in reads as large as the socket
 * gives. The SDK's {@code ResponseTransformer.toBytes()} reads 4 KiB at a time into a growing buffer and
 * copies it once more at the end: for a restore's 90 MB of segments, some 22,000 calls through the HTTP
 * client's stream stack, and a C2 compilation of that stack (0.4-0.6 s of one of two cores in the JIT's
 * log) while the reader threads need the compiler for the decoder.
 */
final class WholeBody {
    /** The largest body one array holds (a few bytes under Integer.MAX_VALUE, as the JDK's own arrays). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    /** The body's bytes and the response, as the SDK's own transformer pairs them. */
    record Read(GetObjectResponse response, byte[] bytes) {
    }

    private WholeBody() {
    }

    static ResponseTransformer<GetObjectResponse, Read> transformer(String object) {
        return (response, body) -> new Read(response, read(body, response.contentLength(), object));
    }

    /**
     * @param declared the response's Content-Length; null when it gave none (then read to the end)
     * @throws IOException when the body ends before or runs past its declared length
     */
    static byte[] read(InputStream body, Long declared, String object) throws IOException {
        if (declared == null) {
            return body.readAllBytes();
        }
        if (declared < 0 || declared > MAX_BYTES) {
            throw new IOException("object " + object + " declares a body of " + declared + " bytes: more than one read holds (at most "
                    + MAX_BYTES + "); read it to a file instead");
        }
        byte[] bytes = new byte[(int) declared.longValue()];
        int read = body.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            throw new IOException("object " + object + "'s body ended after " + read + " of its declared " + declared + " bytes");
        }
        if (body.read() >= 0) {
            throw new IOException("object " + object + "'s body runs past its declared " + declared + " bytes");
        }
        return bytes;
    }
}
