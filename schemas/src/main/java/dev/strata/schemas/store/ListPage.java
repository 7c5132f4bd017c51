package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;
import java.util.List;
import java.util.Optional;

/** One page of a listing, in key order. The next page starts after the last key of this one. */
public record ListPage(List<ListedObject> objects, boolean truncated) {

    public ListPage {
        objects = List.copyOf(objects);
        if (truncated && objects.isEmpty()) {
            throw new IllegalArgumentException("a truncated page must hold at least one key to continue after");
        }
    }

    /** The start-after key of the next page, if there is one. */
    public Optional<ObjectKey> nextStartAfter() {
        return truncated ? Optional.of(objects.get(objects.size() - 1).key()) : Optional.empty();
    }

    public List<ObjectKey> keys() {
        return objects.stream().map(ListedObject::key).toList();
    }
}
