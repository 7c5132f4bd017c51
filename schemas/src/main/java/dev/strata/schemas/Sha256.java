package dev.strata.schemas;

import java.io.InputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/** A SHA-256 digest: the checksum Strata keeps for every object it writes. */
public final class Sha256 {

    public static final int LENGTH_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] digest;

    private Sha256(byte[] digest) {
        this.digest = digest;
    }

    /** The digest of {@code data}. */
    public static Sha256 of(byte[] data) {
        MessageDigest md = newDigest();
        md.update(data);
        return new Sha256(md.digest());
    }

    /** The digest of everything {@code in} yields; the stream is read to its end but not closed. */
    public static Sha256 of(InputStream in) {
        MessageDigest md = newDigest();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                md.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bytes to checksum: " + e.getMessage(), e);
        }
        return new Sha256(md.digest());
    }

    /** Wraps a finished digest, e.g. from a {@link MessageDigest} fed while writing. */
    public static Sha256 fromDigest(byte[] digest) {
        Objects.requireNonNull(digest, "digest");
        if (digest.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("a SHA-256 digest has " + LENGTH_BYTES + " bytes, not " + digest.length);
        }
        return new Sha256(digest.clone());
    }

    /** Parses 64 hex digits (either case), as stored in manifests and in {@code x-amz-meta-sha256}. */
    public static Sha256 fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 2 * LENGTH_BYTES) {
            throw new IllegalArgumentException("a SHA-256 in hex has " + 2 * LENGTH_BYTES + " digits, not "
                    + hex.length() + ": '" + abbreviate(hex) + "'");
        }
        try {
            return new Sha256(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + abbreviate(hex) + "' is not a SHA-256 in hex: " + e.getMessage(), e);
        }
    }

    /** A fresh SHA-256 {@link MessageDigest}; every JRE has one, so its absence is a broken runtime. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JRE has no SHA-256: install a standard Java 17 runtime", e);
        }
    }

    public String hex() {
        return HEX.formatHex(digest);
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(digest);
    }

    public byte[] bytes() {
        return digest.clone();
    }

    public boolean matches(byte[] data) {
        return equals(of(data));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256 other && MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return hex();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
