package dev.strata.schemas.store;

/**
 * Which version of a key reads return. Strata writes every key once; a second version can only come
 * from a stolen or misbehaving writer key (RGW 16 lets a writer overwrite, and even ignores
 * If-None-Match in versioned buckets). So whoever restores reads the FIRST version: an overwrite
 * then changes nothing.
 *
 * <p>Reading first versions needs {@code s3:ListBucketVersions} and {@code s3:GetObjectVersion},
 * which the reader credential has and the writer credential deliberately lacks. The sink (writer)
 * therefore reads latest versions: it only reads its own keys to make retries idempotent, where a
 * differing latest version raises the same conflict alarm a differing first version would.
 */
public enum VersionPolicy {
    /** Reads, HEADs and listings see each key's oldest version. For restore and verify, with the reader credential. */
    FIRST_VERSION,
    /** Plain GET, HEAD and LIST. For the sink's writer credential. */
    LATEST_VERSION
}
