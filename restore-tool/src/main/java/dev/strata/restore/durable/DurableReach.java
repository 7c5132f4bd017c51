package dev.strata.restore.durable;

import dev.strata.restore.store.DaemonPool;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.layout.ObjectKey;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Whether a tenant's durable point has reached a time, the question a rollback asks again and again while it waits: marks
 * are named by their point, so one LIST of one key per region from that time answers it, and the mark it names is read
 * and bound to the tenant as {@link DurablePoint} reads one (a mark in one region proves it). A search for the newest mark
 * ({@link DurablePointSearch}) costs several LISTs per region, on the 2 cores the rollback's own work needs.
 */
public final class DurableReach {
    private static final ExecutorService LISTERS = DaemonPool.of("durable-reach", Region.values().length);

    private DurableReach() {
    }

    /**
     * @return the point of the first mark at or after {@code fromMicros} in the regions that hold one (the greatest such
     *     first point); empty when none does yet
     * @throws RuntimeException when no region answered, or a mark found is not one the sink wrote for the tenant (exit 3)
     */
    public static Optional<Long> reached(RegimeStores stores, TenantId tenant, long fromMicros) {
        Map<Region, CompletableFuture<Optional<DurableMark>>> asked = new EnumMap<>(Region.class);
        stores.regions().forEach(region -> asked.put(region.region(),
                CompletableFuture.supplyAsync(() -> first(region, tenant, fromMicros), LISTERS)));
        // read as the newest marks are: a region that failed is named, a planted mark refused
        DurablePoint point = DurablePoint.of(stores, tenant, asked);
        if (point.unreadable().reasons().size() == asked.size()) {
            throw point.unreadable().noRegionAnswered("read the durable marks of tenant " + tenant);
        }
        return point.point();
    }

    private static Optional<DurableMark> first(RegionStore region, TenantId tenant, long fromMicros) {
        ObjectKey prefix = BackupLayout.marksPrefix(tenant);
        Optional<ObjectKey> after = Optional.of(BackupLayout.marksStartAfter(tenant, fromMicros));
        while (true) {
            ListPage page = region.store().list(prefix, after, 1);
            if (page.objects().isEmpty()) {
                return Optional.empty();
            }
            ObjectKey key = page.objects().get(0).key();
            DurableMarkKey mark;
            try {
                mark = BackupLayout.parseMark(key);
            } catch (InvalidObjectKeyException stray) {
                after = Optional.of(key); // not a mark: stepped over, as the newest-mark search does
                continue;
            }
            return Optional.of(DurablePoint.readMark(region, tenant, mark));
        }
    }
}
