package dev.strata.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load averages (1, 5, 15 min) as uptime prints them: benches print it beside every number, other builds share the 2 cores. */
public final class LoadAverage {
    private LoadAverage() {
    }

    public static String now() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average " + parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException e) {
            return "load average unknown (" + e.getMessage() + ")";
        }
    }
}
