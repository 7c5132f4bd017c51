package dev.strata.restore.expire;

import dev.strata.restore.store.Region;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What expiry did to one tenant in one region. */
public final class RegionExpiry {
    private final Region region;
    private long deletedVersions;
    private long deletedBytes;
    private long storedBytes;
    private long heldObjects;
    private Optional<Instant> heldUntil = Optional.empty();
    private final List<String> errors = new ArrayList<>();

    RegionExpiry(Region region) {
        this.region = region;
    }

    void stored(long bytes) {
        storedBytes += bytes;
    }

    void deleted(long bytes) {
        deletedVersions++;
        deletedBytes += bytes;
        storedBytes -= bytes;
    }

    void held(Instant until) {
        heldObjects++;
        heldUntil = Optional.of(heldUntil.filter(h -> h.isAfter(until)).orElse(until));
    }

    void error(String message) {
        errors.add(message);
    }

    public Region region() {
        return region;
    }

    public long deletedVersions() {
        return deletedVersions;
    }

    public long deletedBytes() {
        return deletedBytes;
    }

    /** Bytes of every version the region holds for the tenant after this run. */
    public long storedBytes() {
        return storedBytes;
    }

    /** Objects no kept point needs whose lock has not passed yet, in either region: the next run deletes them. */
    public long heldObjects() {
        return heldObjects;
    }

    public Optional<Instant> heldUntil() {
        return heldUntil;
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }
}
