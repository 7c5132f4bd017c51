package dev.strata.local;

import java.security.SecureRandom;
import java.util.Objects;

/** An S3 access key pair. {@link #toString()} never shows the secret. */
public record AccessKey(String accessKeyId, String secretAccessKey) {
    private static final String KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int KEY_ID_LENGTH = 20;
    private static final int SECRET_LENGTH = 40;

    public AccessKey {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    /** A fresh pair shaped like AWS keys; alphanumeric only, so it survives any command line. */
    static AccessKey random(SecureRandom random) {
        return new AccessKey(randomString(random, KEY_ID_ALPHABET, KEY_ID_LENGTH),
                randomString(random, SECRET_ALPHABET, SECRET_LENGTH));
    }

    @Override
    public String toString() {
        return "AccessKey[accessKeyId=" + accessKeyId + ", secretAccessKey=***]";
    }

    private static String randomString(SecureRandom random, String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
