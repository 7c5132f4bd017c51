package dev.strata.schemas.store;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * An S3 access key pair. The secret never leaves this object except to sign requests: {@link
 * #toString()} redacts it and no message built here contains it.
 */
public final class StoreCredentials {

    /** Keys of a credentials file (a java.util.Properties file). */
    public static final String ACCESS_KEY_ID = "access.key.id";
    public static final String SECRET_ACCESS_KEY = "secret.access.key";
    /** Suffixes of the environment variables read by {@link #fromEnvironment(String)}. */
    public static final String ENV_ACCESS_KEY_ID = "ACCESS_KEY_ID";
    public static final String ENV_SECRET_ACCESS_KEY = "SECRET_ACCESS_KEY";

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String origin;

    private StoreCredentials(String accessKeyId, String secretAccessKey, String origin) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.origin = origin;
    }

    public static StoreCredentials of(String accessKeyId, String secretAccessKey) {
        return checked(accessKeyId, secretAccessKey, "given in code", ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    }

    /** Reads a Properties file with {@value #ACCESS_KEY_ID} and {@value #SECRET_ACCESS_KEY}. */
    public static StoreCredentials fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("store credentials file " + file + " does not exist: create it with "
                    + ACCESS_KEY_ID + "=... and " + SECRET_ACCESS_KEY + "=... (readable by this service only)", e);
        } catch (IOException | IllegalArgumentException e) {
            // Properties' own message may quote the file's content, which holds the secret
            throw new IllegalArgumentException("cannot read store credentials file " + file + " ("
                    + e.getClass().getSimpleName() + "): check that it exists, is readable and is a properties file", null);
        }
        return checked(props.getProperty(ACCESS_KEY_ID), props.getProperty(SECRET_ACCESS_KEY), "file " + file,
                ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    }

    /** Reads {@code <prefix>ACCESS_KEY_ID} and {@code <prefix>SECRET_ACCESS_KEY}, e.g. prefix {@code STRATA_EU_PRIMARY_}. */
    public static StoreCredentials fromEnvironment(String prefix) {
        return fromEnvironment(prefix, System.getenv());
    }

    static StoreCredentials fromEnvironment(String prefix, Map<String, String> environment) {
        Objects.requireNonNull(prefix, "prefix");
        String idName = prefix + ENV_ACCESS_KEY_ID;
        String secretName = prefix + ENV_SECRET_ACCESS_KEY;
        return checked(environment.get(idName), environment.get(secretName), "environment " + prefix + "*", idName, secretName);
    }

    private static StoreCredentials checked(String id, String secret, String origin, String idName, String secretName) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("store credentials from " + origin + " lack " + idName + ": set it to the access key id");
        }
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("store credentials from " + origin + " lack " + secretName
                    + ": set it to the secret access key");
        }
        return new StoreCredentials(id.strip(), secret.strip(), origin);
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    /** Only for signing requests: never log, print or put it in a message. */
    public String secretAccessKey() {
        return secretAccessKey;
    }

    /** Where these came from, e.g. "file /etc/strata/eu-writer.properties": safe to print. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "StoreCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=<redacted>, from " + origin + "]";
    }
}
