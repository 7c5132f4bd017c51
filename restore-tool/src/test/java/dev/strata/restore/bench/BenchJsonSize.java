package dev.strata.restore.bench;

import dev.strata.capture.DebeziumJsonSize;
import dev.strata.local.LocalPostgres;

/** Issue 18's size peer for a bench's log: Debezium's JSON envelope of about {@value #SAMPLE} of its events, spread over it. */
final class BenchJsonSize {
    private static final int SAMPLE = 1_000;

    private BenchJsonSize() {
    }

    static DebeziumJsonSize.Sizes of(LocalPostgres pg, BenchRows log) {
        long stride = DebeziumJsonSize.stride(log.events(), SAMPLE);
        try (DebeziumJsonSize size = DebeziumJsonSize.open(pg, "bench_json_size")) {
            long[] index = {0};
            log.forEach(event -> {
                if (index[0]++ % stride == 0) {
                    size.add(event);
                }
            });
            return size.sizes();
        }
    }
}
