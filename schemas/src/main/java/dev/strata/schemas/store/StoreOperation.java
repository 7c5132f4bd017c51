package dev.strata.schemas.store;

/** The store operations, each with the permission it needs: errors name both. */
public enum StoreOperation {
    PUT("s3:PutObject", "only the regime's writer credential may write; the reader's key may not"),
    GET("s3:GetObject", "reading a first version also needs s3:GetObjectVersion (the reader credential has it)"),
    HEAD("s3:GetObject", "reading a first version also needs s3:GetObjectVersion (the reader credential has it)"),
    LIST("s3:ListBucket", "both the writer and the reader credential should have it on this bucket"),
    LIST_VERSIONS("s3:ListBucketVersions", "use the reader credential: the writer's key may not list versions, by design"),
    GET_RETENTION("s3:GetObjectRetention", "the reader and the expire credential have it"),
    DELETE_VERSION("s3:DeleteObjectVersion", "only the expire credential may delete versions, and the store refuses even it while"
            + " the version's Object Lock retain-until has not passed (a COMPLIANCE lock cannot be bypassed)"),
    DELETE("s3:DeleteObject", "only the key-admin credential may delete, and only in a regime's key store bucket"),
    GET_VERSIONING("s3:GetBucketVersioning", "the key-admin credential has it on key store buckets");

    private final String permission;
    private final String advice;

    StoreOperation(String permission, String advice) {
        this.permission = permission;
        this.advice = advice;
    }

    public String permission() {
        return permission;
    }

    /** How to fix an access denial of this operation. */
    public String accessFix() {
        return "it needs " + permission + "; " + advice;
    }
}
