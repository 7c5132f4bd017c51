package dev.strata.schemas.crypto;

import dev.strata.schemas.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One tenant's AES-256 data key: what seals its bodies. Held in memory only after it was unwrapped
 * with the regime's key-encryption key; {@link #toString} never shows the key.
 */
public final class DataKey {

    public static final int LENGTH_BYTES = 32;
    private static final byte[] NONCE_KEY_LABEL = "strata-body-nonce-key-v1".getBytes(StandardCharsets.US_ASCII);

    private final TenantId tenant;
    private final DataKeyId id;
    private final SecretKey key;
    private final SecretKey nonceKey;

    public DataKey(TenantId tenant, DataKeyId id, byte[] material) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.id = Objects.requireNonNull(id, "id");
        if (material.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("data key " + id + " of tenant " + tenant + " has " + material.length
                    + " bytes, not " + LENGTH_BYTES);
        }
        this.key = new SecretKeySpec(material, "AES");
        this.nonceKey = new SecretKeySpec(hmac(key, NONCE_KEY_LABEL), "HmacSHA256");
    }

    public TenantId tenant() {
        return tenant;
    }

    public DataKeyId id() {
        return id;
    }

    SecretKey aes() {
        return key;
    }

    /** A subkey for the synthetic nonces, so the AES key is never also an HMAC key. */
    SecretKey nonceKey() {
        return nonceKey;
    }

    byte[] material() {
        return key.getEncoded();
    }

    static byte[] hmac(SecretKey key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "DataKey[" + tenant + "/" + id + ", material redacted]";
    }
}
