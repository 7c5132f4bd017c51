package dev.strata.schemas.crypto;

import dev.strata.schemas.TenantId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A regime's key-encryption key: wraps and unwraps its tenants' data keys (AES-256-GCM, the AAD
 * naming the tenant and the key id, so a wrapped key copied under another name does not unwrap). It
 * comes from a file ({@code strata.regime.<r>.kek.file}: base64 of 32 random bytes) and never enters
 * a bucket, a log or a message.
 */
public final class KeyEncryptionKey {

    public static final int LENGTH_BYTES = 32;
    private static final byte[] MAGIC = {'S', 'T', 'D', 'K', 1};
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private KeyEncryptionKey(byte[] material) {
        this.key = new SecretKeySpec(material, "AES");
    }

    /**
     * Reads the key from {@code file}.
     *
     * @param setting the config key that named the file, for the message that tells how to fix it
     */
    public static KeyEncryptionKey fromFile(Path file, String setting) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": cannot read the key-encryption key file " + file + " (" + e.getMessage()
                    + "); make one with: head -c 32 /dev/urandom | base64 > " + file, e);
        }
        byte[] material;
        try {
            material = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + file + " is not base64 (" + e.getMessage()
                    + "); make one with: head -c 32 /dev/urandom | base64 > " + file, e);
        }
        if (material.length != LENGTH_BYTES) {
            throw new IllegalArgumentException(setting + ": " + file + " holds " + material.length + " bytes after base64 decoding, not "
                    + LENGTH_BYTES + "; make one with: head -c 32 /dev/urandom | base64 > " + file);
        }
        return new KeyEncryptionKey(material);
    }

    /** A key from 32 bytes held elsewhere (tests, benchmarks). */
    public static KeyEncryptionKey of(byte[] material) {
        if (material.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("a key-encryption key has " + LENGTH_BYTES + " bytes, not " + material.length);
        }
        return new KeyEncryptionKey(material.clone());
    }

    /** A new random data key of {@code tenant}, named {@code id}. */
    public static DataKey newDataKey(TenantId tenant, DataKeyId id) {
        byte[] material = new byte[DataKey.LENGTH_BYTES];
        RANDOM.nextBytes(material);
        return new DataKey(tenant, id, material);
    }

    /** The data key as it may be stored: {@code STDK 1}, a random nonce, the encrypted key and its tag. */
    public byte[] wrap(DataKey dataKey) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.writeBytes(nonce);
        try {
            out.writeBytes(cipher(Cipher.ENCRYPT_MODE, nonce, dataKey.tenant(), dataKey.id()).doFinal(dataKey.material()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap data key " + dataKey.id() + ": " + e, e);
        }
        return out.toByteArray();
    }

    /**
     * @throws DataKeyUnavailableException if the bytes are not a key of this tenant and id wrapped by this key-encryption key
     */
    public DataKey unwrap(TenantId tenant, DataKeyId id, byte[] wrapped) {
        if (wrapped.length < MAGIC.length + NONCE_BYTES || !Arrays.equals(wrapped, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new DataKeyUnavailableException("data key " + id + " of tenant " + tenant + " is not a wrapped key (no STDK header)", null);
        }
        byte[] nonce = Arrays.copyOfRange(wrapped, MAGIC.length, MAGIC.length + NONCE_BYTES);
        try {
            byte[] material = cipher(Cipher.DECRYPT_MODE, nonce, tenant, id)
                    .doFinal(wrapped, MAGIC.length + NONCE_BYTES, wrapped.length - MAGIC.length - NONCE_BYTES);
            return new DataKey(tenant, id, material);
        } catch (AEADBadTagException e) {
            throw DataKeyUnavailableException.configuration("data key " + id + " of tenant " + tenant + " does not unwrap with this regime's"
                    + " key-encryption key: the kek.file is not the one the sink used, or the key object was altered or renamed", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot unwrap data key " + id + ": " + e, e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, TenantId tenant, DataKeyId id) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(("strata-data-key-v1\0" + tenant.value() + "\0" + id.value()).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[redacted]";
    }
}
