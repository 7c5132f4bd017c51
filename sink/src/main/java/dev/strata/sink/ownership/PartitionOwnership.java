package dev.strata.sink.ownership;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which partitions of the routed topic this sink instance owns now, and the tenant work (sealing
 * a tenant's manifests, folding its base) that runs under that ownership. The routed topic is keyed
 * by tenant, so a tenant's records are all in one partition and its owner is the one consumer of the
 * group assigned that partition: "one sealer and one base maker per tenant at a time" follows from
 * "work on a tenant only under a lease on its partition", provided a revocation waits for the leases
 * of the partitions it gives up ({@link #release}) before the group hands them to another instance.
 *
 * <p>Written by the poll thread (inside the rebalance callbacks), read by the sealer's and the base
 * thread. A lease is only a claim inside this JVM: an instance the group has already dropped without
 * telling it (a stall past the session timeout) keeps its leases until it learns of the loss; what
 * the tenant work writes then is covered by the write-once rules (see the README, Scaling).
 */
public final class PartitionOwnership {
    /** How long one wait of {@link #release} lasts at most before it looks again (a lease's end wakes it sooner). */
    private static final long WAIT_SLICE_MILLIS = 50;

    private final Set<Integer> owned = new HashSet<>();
    private final Map<Integer, Integer> leased = new HashMap<>();

    /** The group assigned these partitions to this instance. */
    public synchronized void acquired(Collection<Integer> partitions) {
        owned.addAll(partitions);
    }

    /**
     * The group takes these partitions away: no new lease on them is given, leases held become
     * invalid, and this waits (at most {@code wait}) until the tenant work holding them has stopped.
     *
     * @return the partitions whose work was still running when the wait ended (empty when it all stopped)
     */
    public synchronized List<Integer> release(Collection<Integer> partitions, Duration wait) {
        owned.removeAll(partitions);
        // counted in slices, not read from a clock: a test's fixed clock must not make this wait forever
        for (long waited = 0; waited < wait.toMillis() && partitions.stream().anyMatch(leased::containsKey); waited += WAIT_SLICE_MILLIS) {
            try {
                wait(WAIT_SLICE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return partitions.stream().filter(leased::containsKey).toList();
    }

    /** A lease on the partition for one piece of tenant work, if this instance owns it now; close it when the work ends. */
    public synchronized Optional<Lease> lease(int partition) {
        if (!owned.contains(partition)) {
            return Optional.empty();
        }
        leased.merge(partition, 1, Integer::sum);
        return Optional.of(new Lease(this, partition));
    }

    public synchronized boolean owns(int partition) {
        return owned.contains(partition);
    }

    synchronized void ended(int partition) {
        leased.computeIfPresent(partition, (p, n) -> n == 1 ? null : n - 1);
        notifyAll();
    }
}
