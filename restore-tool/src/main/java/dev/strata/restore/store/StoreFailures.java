package dev.strata.restore.store;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.store.StoreAccessDeniedException;
import dev.strata.schemas.store.StoreException;
import dev.strata.schemas.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;

/** Collects why regions could not be read, and turns "no region could" into one error that names the fix. */
public final class StoreFailures {
    private final List<String> reasons = new ArrayList<>();

    public void add(RegionStore region, StoreException e) {
        reasons.add(region.region().label() + ": " + e.getMessage() + " [" + fix(region, e) + "]");
    }

    public boolean isEmpty() {
        return reasons.isEmpty();
    }

    public List<String> reasons() {
        return List.copyOf(reasons);
    }

    /** The error when no region answered: an unreachable or misconfigured store is bad input (exit 2). */
    public BadInputException noRegionAnswered(String what) {
        return new BadInputException("cannot " + what + ": no region of the regime could be read: " + String.join("; ", reasons));
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
