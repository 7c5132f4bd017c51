package dev.strata.schemas.store;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where one region's bucket is: {@code strata.regime.<r>.<primary|backup>.endpoint}, {@code .bucket}
 * and {@code .region} (the region requests are signed for).
 */
public record StoreLocation(URI endpoint, String bucket, String signingRegion) {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public StoreLocation {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(signingRegion, "signingRegion");
        if (endpoint.getRawUserInfo() != null || endpoint.toString().contains("@")) {
            throw new IllegalArgumentException("store endpoint '" + withoutUserInfo(endpoint) + "' for bucket '" + bucket
                    + "' holds user info: put credentials in the credentials file, never in the URL");
        }
        if (!endpoint.isAbsolute() || endpoint.getHost() == null
                || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
            throw new IllegalArgumentException("store endpoint '" + endpoint + "' is not an http(s) URL such as http://127.0.0.1:8000");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("bucket name '" + bucket + "' is invalid: use 3 to 63 characters from a-z 0-9 . -,"
                    + " starting and ending with a letter or digit");
        }
        if (signingRegion.isBlank()) {
            throw new IllegalArgumentException("signing region of bucket '" + bucket + "' is blank: set it, e.g. us-east-1");
        }
    }

    /** The URL with anything between the scheme and the last '@' hidden: it may be a secret. */
    private static String withoutUserInfo(URI endpoint) {
        String raw = endpoint.toString();
        int at = raw.lastIndexOf('@');
        int start = raw.indexOf("://");
        return at < 0 ? raw : (start < 0 ? "" : raw.substring(0, start + 3)) + "<redacted>" + raw.substring(at);
    }

    /** For messages: "bucket 'b' at http://host:port". */
    public String describe() {
        return "bucket '" + bucket + "' at " + endpoint;
    }
}
