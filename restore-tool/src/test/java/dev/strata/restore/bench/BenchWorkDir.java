package dev.strata.restore.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A benchmark's scratch directory (servers, buckets, base files), deleted when it ends, however it ends. */
final class BenchWorkDir {
    interface Body {
        void run(Path work) throws Exception;
    }

    private BenchWorkDir() {
    }

    static void use(String prefix, Body body) throws Exception {
        Path work = Files.createTempDirectory(prefix);
        try {
            body.run(work);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
