package dev.strata.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * A key pair in a properties file readable only by its owner (0600): services get a file path,
 * never a secret on a command line or in a config they print.
 */
public final class CredentialsFile {
    public static final String ACCESS_KEY_ID = "access.key.id";
    public static final String SECRET_ACCESS_KEY = "secret.access.key";

    private CredentialsFile() {
    }

    /** Writes {@code key} to a new file {@code file} created with permissions 0600. */
    public static Path write(Path file, AccessKey key) {
        Properties properties = new Properties();
        properties.setProperty(ACCESS_KEY_ID, key.accessKeyId());
        properties.setProperty(SECRET_ACCESS_KEY, key.secretAccessKey());
        try {
            Files.createDirectories(file.getParent());
            // created private, not chmod-ed afterwards: the secret is never readable by others
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                properties.store(out, "S3 credentials written by strata-local; keep private");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write credentials file " + file, e);
        }
    }

    public static AccessKey read(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read credentials file " + file, e);
        }
        String id = properties.getProperty(ACCESS_KEY_ID);
        String secret = properties.getProperty(SECRET_ACCESS_KEY);
        if (id == null || secret == null) {
            throw new IllegalArgumentException("credentials file " + file + " needs both " + ACCESS_KEY_ID
                    + " and " + SECRET_ACCESS_KEY);
        }
        return new AccessKey(id, secret);
    }
}
