package dev.strata.production;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The sample names that services expose in the Prometheus text format (what a scrape of
 * {@code /metrics} returns), e.g. {@code strata_sink_upload_latency_seconds_bucket}: the names a
 * query can select.
 */
record ExposedMetrics(Set<String> names) {
    /** Names Prometheus itself gives every target; a rule may select them though no service exports them. */
    static final Set<String> PER_TARGET = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    static ExposedMetrics parse(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return new ExposedMetrics(names);
    }

    /** Every {@code *.prom} file in {@code dir}: one scrape per service. */
    static ExposedMetrics readScrapes(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".prom")).toList()) {
                names.addAll(parse(Files.readString(file)).names());
            }
        }
        return new ExposedMetrics(names);
    }

    /** The names among {@code selected} that nothing exposes: a misspelling or a metric that was renamed. */
    Set<String> unknown(Collection<String> selected) {
        Set<String> unknown = new TreeSet<>(selected);
        unknown.removeAll(names);
        unknown.removeAll(PER_TARGET);
        return unknown;
    }
}
