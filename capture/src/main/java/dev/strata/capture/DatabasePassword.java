package dev.strata.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Function;

/**
 * The source database's password: from the environment variable
 * {@value CaptureConfig#DATABASE_PASSWORD_ENV} or the file named by
 * {@value CaptureConfig#DATABASE_PASSWORD_FILE}, never from the properties file, never printed.
 */
final class DatabasePassword {
    private final String secret;

    private DatabasePassword(String secret) {
        this.secret = secret;
    }

    static DatabasePassword read(Properties source, Function<String, String> environment) {
        String fromEnvironment = environment.apply(CaptureConfig.DATABASE_PASSWORD_ENV);
        String file = source.getProperty(CaptureConfig.DATABASE_PASSWORD_FILE);
        if (source.containsKey("database.password")) {
            throw new IllegalArgumentException("capture config: database.password must not be in the properties file: set "
                    + CaptureConfig.DATABASE_PASSWORD_ENV + " or " + CaptureConfig.DATABASE_PASSWORD_FILE);
        }
        if (file == null || file.isBlank()) {
            return new DatabasePassword(fromEnvironment == null ? "" : fromEnvironment);
        }
        if (fromEnvironment != null) {
            throw new IllegalArgumentException("capture config: both " + CaptureConfig.DATABASE_PASSWORD_ENV + " and "
                    + CaptureConfig.DATABASE_PASSWORD_FILE + " are set: keep one");
        }
        try {
            return new DatabasePassword(Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("capture config: cannot read the database password file " + file.trim()
                    + " (" + e.getClass().getSimpleName() + "): check " + CaptureConfig.DATABASE_PASSWORD_FILE
                    + " and its permissions");
        }
    }

    /** For the JDBC and replication connections only. */
    String reveal() {
        return secret;
    }

    @Override
    public String toString() {
        return secret.isEmpty() ? "none" : "set";
    }
}
