package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;

/** One key of a listing, with the size of the object a {@code get} of it would return. */
public record ListedObject(ObjectKey key, long size) {

    public ListedObject {
        Objects.requireNonNull(key, "key");
    }
}
