package dev.strata.schemas.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts one GCM chunk at the speed of the CPU's AES and carry-less multiply instructions, not of
 * the JDK's Java fallback.
 *
 * <p>Why not {@code cipher.doFinal(byte[])}: the JDK (17 and 25 alike) runs its AES-GCM intrinsic only
 * from C2-compiled callers, and a heap array of a MiB reaches it through a caller invoked once per
 * chunk, which stays interpreted for thousands of chunks: a restore then opens bodies at about 110 MB/s
 * instead of GB/s. A direct input buffer goes through the JDK's 512-byte loop instead, which C2 compiles
 * after a few MB; {@link #warmUp()} does those few MB once, on a small throwaway message in the
 * background, from the moment a reader of sealed bodies is made (else from the first body opened):
 * a restore's plan takes longer than the warm-up's 0.2-0.3 s of one core.
 *
 * <p>Each thread that opens a body keeps a direct buffer of one chunk (1 MiB) while it lives: a
 * restore's few reader threads and its base's read-ahead pool, a sink's upload and repair pools.
 */
final class GcmOpening {

    private static final int WARM_UP_MESSAGES = 2_000;
    private static final int WARM_UP_BYTES = 8 * 1024;
    private static final AtomicBoolean WARMING = new AtomicBoolean();
    private static final ThreadLocal<ByteBuffer> INPUT =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SealedBody.CHUNK_BYTES + SealedBody.TAG_BYTES));

    private GcmOpening() {
    }

    /** The plaintext of {@code length} bytes of {@code sealed} (ciphertext and tag), for an initialised decrypting cipher. */
    static byte[] decrypt(Cipher cipher, byte[] sealed, int length) throws GeneralSecurityException {
        warmUp();
        ByteBuffer input = INPUT.get();
        input.clear();
        input.put(sealed, 0, length).flip();
        byte[] plain = new byte[Math.max(0, length - SealedBody.TAG_BYTES)];
        int written = cipher.doFinal(input, ByteBuffer.wrap(plain));
        if (written != plain.length) {
            throw new IllegalStateException("AES/GCM/NoPadding gave " + written + " bytes for a chunk of " + plain.length);
        }
        return plain;
    }

    /** Starts, once per JVM, a daemon thread that gets the JDK's GCM intrinsic compiled (about 16 MB of work). */
    static void warmUp() {
        if (WARMING.get() || !WARMING.compareAndSet(false, true)) {
            return;
        }
        Thread warming = new Thread(GcmOpening::openThrowawayMessages, "strata-gcm-warm-up");
        warming.setDaemon(true);
        warming.setPriority(Thread.MIN_PRIORITY);
        warming.start();
    }

    private static void openThrowawayMessages() {
        try {
            byte[] keyBytes = new byte[DataKey.LENGTH_BYTES];
            new SecureRandom().nextBytes(keyBytes);
            SecretKeySpec key = new SecretKeySpec(keyBytes, "AES");
            GCMParameterSpec nonce = new GCMParameterSpec(SealedBody.TAG_BYTES * 8, new byte[12]);
            Cipher sealing = Cipher.getInstance("AES/GCM/NoPadding");
            sealing.init(Cipher.ENCRYPT_MODE, key, nonce);
            byte[] sealed = sealing.doFinal(new byte[WARM_UP_BYTES]);
            ByteBuffer input = ByteBuffer.allocateDirect(sealed.length);
            ByteBuffer output = ByteBuffer.allocate(WARM_UP_BYTES);
            for (int i = 0; i < WARM_UP_MESSAGES; i++) {
                Cipher opening = Cipher.getInstance("AES/GCM/NoPadding");
                opening.init(Cipher.DECRYPT_MODE, key, nonce);
                input.clear();
                input.put(sealed).flip();
                output.clear();
                opening.doFinal(input, output);
            }
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the GCM warm-up's own message failed authentication", e);
        } catch (GeneralSecurityException e) {
            // the real opening reports an unusable cipher with the object it was opening
        }
    }
}
