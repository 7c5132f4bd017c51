package dev.strata.capture.checkpoint;

import dev.strata.capture.CaptureConfig;
import dev.strata.capture.databases.CaptureDatabases;
import java.util.List;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An on-demand checkpoint of every database of the file: {@code java -cp ... dev.strata.capture.CheckpointMain capture.properties}.
 * It only writes the checkpoint to the source's WAL; the running capture of that database publishes
 * it to every tenant's stream like a scheduled one, so no channel into the running service is needed.
 */
public final class CheckpointMain {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointMain.class);

    private CheckpointMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CheckpointMain <capture.properties>");
            System.exit(2);
        }
        List<CaptureConfig> configs;
        try {
            configs = CaptureDatabases.load(Path.of(args[0]));
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        for (CaptureConfig config : configs) {
            CheckpointMessage taken = CheckpointTaker.of(config).take();
            System.out.println("checkpoint of " + taken.tenants().size() + " tenant(s) written to the WAL of " + config.databaseName()
                    + " in snapshot " + taken.snapshot() + "; capture " + config.name() + " publishes it");
        }
    }
}
