package dev.strata.schemas.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The {@code Content-MD5} of a put (base64 of the MD5): what RGW checks a transfer against ({@code x-amz-checksum-*} it does not). */
public final class ContentMd5 {
    private ContentMd5() {
    }

    public static String of(byte[] bytes) {
        return encode(newDigest().digest(bytes));
    }

    static String encode(byte[] md5) {
        return Base64.getEncoder().encodeToString(md5);
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JRE has no MD5, which Content-MD5 needs: install a standard Java 17 runtime", e);
        }
    }
}
