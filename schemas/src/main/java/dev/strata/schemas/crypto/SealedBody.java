package dev.strata.schemas.crypto;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM sealing of a segment or base body under a tenant's data key, after compression.
 *
 * <p>Layout: a {@link SealHeader}, then the plaintext in chunks of {@link #CHUNK_BYTES} (the last
 * one shorter, possibly empty), each encrypted with its own nonce (the header's, its last four bytes
 * xor the chunk's index) and followed by its 16-byte tag. Each chunk's AAD is the header, the object
 * key, the chunk's index and whether it is the last: so a body moved to another key, a chunk
 * reordered, dropped or cut off at a chunk boundary, and an edited header all fail to open. Chunks
 * let a base larger than memory be opened as a stream (one GCM message is only authenticated at its end).
 *
 * <p>The nonce is synthetic, not drawn at random: the HMAC of the object key and the plaintext's
 * SHA-256 under a subkey of the data key. A retried upload must write the same bytes under the same key
 * (the write-once rule treats other bytes as a conflict alarm), and a nonce only repeats for the
 * same object with the same plaintext, which then gives the same ciphertext: nothing leaks.
 */
public final class SealedBody {

    public static final int CHUNK_BYTES = 1 << 20;
    static final int TAG_BYTES = 16;
    private static final byte[] NONCE_LABEL = "strata-body-nonce-v1".getBytes(StandardCharsets.US_ASCII);

    private SealedBody() {
    }

    /** Whether stored bytes are a sealed body (a body written before sealing begins with Avro's {@code Obj}). */
    public static boolean isSealed(byte[] stored) {
        return SealHeader.begins(stored, stored.length);
    }

    /** Seals {@code plain} (whose SHA-256 is {@code plainSha256}) for {@code objectKey} under {@code key}. */
    public static byte[] seal(DataKey key, String objectKey, Sha256 plainSha256, byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length + plain.length / CHUNK_BYTES * TAG_BYTES + 64);
        seal(key, objectKey, plainSha256, new ByteArrayInputStream(plain), out);
        return out.toByteArray();
    }

    /** As {@link #seal(DataKey, String, Sha256, byte[])}, streaming; {@code out} is not closed. */
    public static void seal(DataKey key, String objectKey, Sha256 plainSha256, InputStream plain, OutputStream out) {
        byte[] nonce = Arrays.copyOf(DataKey.hmac(key.nonceKey(), NONCE_LABEL, utf8(objectKey), plainSha256.bytes()),
                SealHeader.NONCE_BYTES);
        SealHeader header = new SealHeader(key.id(), nonce);
        byte[] headerBytes = header.encode();
        try {
            out.write(headerBytes);
            PushbackInputStream in = new PushbackInputStream(plain, 1);
            byte[] chunk = new byte[CHUNK_BYTES];
            for (int index = 0; ; index++) {
                int n = in.readNBytes(chunk, 0, CHUNK_BYTES);
                boolean last = isAtEnd(in);
                out.write(crypt(Cipher.ENCRYPT_MODE, key, header, headerBytes, objectKey, index, last, chunk, n));
                if (last) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seal the body of " + objectKey + ": " + e.getMessage(), e);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("encryption reported a bad tag for " + objectKey, e);
        }
    }

    /** Opens a sealed body of {@code tenant} stored under {@code objectKey}, finding its data key in {@code keys}. */
    public static byte[] open(DataKeys keys, TenantId tenant, String objectKey, byte[] sealed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sealed.length);
        open(keys, tenant, objectKey, new ByteArrayInputStream(sealed), out);
        return out.toByteArray();
    }

    /**
     * As {@link #open(DataKeys, TenantId, String, byte[])}, streaming; {@code out} is not closed. Each chunk is
     * written only once it is authenticated, but a later chunk may still fail: act on {@code out} only after
     * this returned.
     *
     * @throws UnopenableBodyException naming the object key if any part fails authentication
     * @throws DataKeyUnavailableException if the key the header names cannot be had
     */
    public static void open(DataKeys keys, TenantId tenant, String objectKey, InputStream sealed, OutputStream out) {
        InputStream plain = opening(keys, tenant, objectKey, sealed);
        try {
            plain.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the body of " + objectKey + ": " + e.getMessage(), e);
        }
    }

    /**
     * The body of {@code sealed} as a stream that opens it chunk by chunk while it is read ({@link OpeningStream}:
     * a read may still throw {@link UnopenableBodyException}); closing it closes {@code sealed}.
     *
     * @throws UnopenableBodyException if the header is not a seal's
     * @throws DataKeyUnavailableException if the key the header names cannot be had: before any byte is read
     */
    public static InputStream opening(DataKeys keys, TenantId tenant, String objectKey, InputStream sealed) {
        SealHeader header = SealHeader.read(sealed, objectKey);
        DataKey key = keys.named(tenant, header.keyId());
        byte[] headerBytes = header.encode();
        return new OpeningStream(sealed, new Opener() {
            @Override
            public byte[] open(int index, boolean last, byte[] chunk, int length) throws AEADBadTagException {
                if (length < TAG_BYTES) {
                    throw new UnopenableBodyException("body of " + objectKey + " is truncated: chunk " + index + " has " + length
                            + " bytes, less than its tag; read it from the other region or its first version", null);
                }
                return crypt(Cipher.DECRYPT_MODE, key, header, headerBytes, objectKey, index, last, chunk, length);
            }

            @Override
            public UnopenableBodyException unopenable(AEADBadTagException e) {
                return new UnopenableBodyException("body of " + objectKey + " fails authentication under data key " + key.id()
                        + " of tenant " + tenant + ": it was altered, moved from another object key, or sealed with another key; read"
                        + " it from the other region or its first version, or run restore-tool verify", e);
            }
        });
    }

    /** Opens one chunk of a body whose header and data key are known. */
    interface Opener {
        byte[] open(int index, boolean last, byte[] chunk, int length) throws AEADBadTagException;

        UnopenableBodyException unopenable(AEADBadTagException e);
    }

    private static byte[] crypt(int mode, DataKey key, SealHeader header, byte[] headerBytes, String objectKey, int index, boolean last,
                                byte[] chunk, int length) throws AEADBadTagException {
        byte[] nonce = header.nonce().clone();
        ByteBuffer.wrap(nonce, SealHeader.NONCE_BYTES - Integer.BYTES, Integer.BYTES)
                .putInt(ByteBuffer.wrap(nonce, SealHeader.NONCE_BYTES - Integer.BYTES, Integer.BYTES).getInt() ^ index);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key.aes(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(headerBytes);
            cipher.updateAAD(utf8(objectKey));
            cipher.updateAAD(ByteBuffer.allocate(Integer.BYTES + 1).putInt(index).put((byte) (last ? 1 : 0)).array());
            return mode == Cipher.DECRYPT_MODE ? GcmOpening.decrypt(cipher, chunk, length) : cipher.doFinal(chunk, 0, length);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is unusable in this Java runtime: " + e, e);
        }
    }

    static boolean isAtEnd(PushbackInputStream in) throws IOException {
        int next = in.read();
        if (next < 0) {
            return true;
        }
        in.unread(next);
        return false;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
