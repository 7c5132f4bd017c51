package dev.strata.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A regime's key-encryption key for the local stack: base64 of 32 random bytes in a 0600 file, the
 * form {@code strata.regime.<r>.kek.file} reads. Services get its path, never the key.
 */
final class KekFile {
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KekFile() {
    }

    /** The key file at {@code file}, created with a fresh random key if there is none yet. */
    static synchronized Path createIfAbsent(Path file) {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException e) {
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the key-encryption key file " + file, e);
        }
        return file;
    }
}
