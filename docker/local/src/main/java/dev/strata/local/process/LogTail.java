package dev.strata.local.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a log file, for error messages that say what a server complained about. */
public final class LogTail {
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    /** The last {@code lines} lines of {@code file}, or a note when there is no such file. */
    public static String of(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(no " + file + ")";
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            // Ceph daemon logs grow to megabytes: read only the end.
            long size = channel.size();
            int length = (int) Math.min(size, MAX_BYTES);
            channel.position(size - length);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // keep reading until the tail is complete
            }
            List<String> all = Arrays.asList(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n"));
            List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
            return "--- last lines of " + file + " ---\n" + String.join("\n", last);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
