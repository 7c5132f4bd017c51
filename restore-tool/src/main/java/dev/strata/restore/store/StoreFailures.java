package dev.strata.restore.store;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.UnavailableException;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects why regions could not be read, and turns "no region could" into one error that names the
 * fix: unavailable (exit 4) when every region only failed to answer, bad input (exit 2) otherwise.
 */
public final class StoreFailures {
    private final List<String> reasons = new ArrayList<>();
    private boolean onlyUnavailable = true;

    public void add(RegionStore region, StoreException e) {
        reasons.add(region.region().label() + ": " + e.getMessage() + " [" + fix(region, e) + "]");
        onlyUnavailable &= ExitCodes.unavailable(e);
    }

    /** Adds another collection's reasons, each prefixed, e.g. with the regime they are of. */
    public void addAll(String prefix, StoreFailures other) {
        other.reasons.forEach(r -> reasons.add(prefix + r));
        onlyUnavailable &= other.onlyUnavailable;
    }

    public boolean isEmpty() {
        return reasons.isEmpty();
    }

    public List<String> reasons() {
        return List.copyOf(reasons);
    }

    /** The error when no region answered. */
    public RuntimeException noRegionAnswered(String what) {
        return error("cannot " + what + ": no region of the regime could be read: " + String.join("; ", reasons));
    }

    /**
     * An error with {@code message}: retrying may help only when no store refused the request (a
     * key, a bucket or an endpoint to fix) and they merely did not answer.
     */
    public RuntimeException error(String message) {
        return !reasons.isEmpty() && onlyUnavailable ? new UnavailableException(message) : new BadInputException(message);
    }

    static String fix(RegionStore region, StoreException e) {
        if (e instanceof StoreUnavailableException) {
            return "check " + region.settingPrefix() + "endpoint and that the store is up";
        }
        if (e instanceof StoreAccessDeniedException) {
            return "check that " + region.settingPrefix() + "credentials.file holds the READER key of this bucket";
        }
        return "check " + region.settingPrefix() + "bucket and " + region.settingPrefix() + "endpoint";
    }
}
