package dev.strata.production.soak;

import dev.strata.local.LocalStackExtension;
import java.nio.file.Path;

/** bench/soak's entry: {@code SoakMain [--minutes N]} (default 10); exit code 1 when a check failed. */
public final class SoakMain {
    private SoakMain() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = 10;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--minutes") && i + 1 < args.length) {
                minutes = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: bench/soak [--minutes N]   (default 10; unknown argument: " + args[i] + ")");
                System.exit(2);
            }
        }
        Path root = Path.of("").toAbsolutePath();
        SoakResult result = new SoakRun(SoakPlan.minutes(minutes), root, LocalStackExtension.workDir(), root.resolve("target/soak")).run();
        System.exit(result.failures().isEmpty() ? 0 : 1);
    }
}
