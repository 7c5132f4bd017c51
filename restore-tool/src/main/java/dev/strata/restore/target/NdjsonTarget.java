package dev.strata.restore.target;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.strata.restore.BadInputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.FilterWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One JSON object per line per row: {@code {"table":"public.orders","key":{"id":5},"row":{...}}}.
 * A file is written beside its final name and moved into place on commit, so a failed restore
 * leaves no half file; "-" writes to standard output.
 */
public final class NdjsonTarget implements ReplayTarget {
    private final Path file;
    private final Writer stdout;
    private Path partial;
    private JsonGenerator json;
    private boolean wroteAny;

    private NdjsonTarget(Path file, Writer stdout) {
        this.file = file;
        this.stdout = stdout;
    }

    public static NdjsonTarget toFile(Path file) {
        return new NdjsonTarget(file, null);
    }

    public static NdjsonTarget toStream(Writer out) {
        return new NdjsonTarget(null, out);
    }

    @Override
    public String describe() {
        return "ndjson " + (file == null ? "(standard output)" : file.toString());
    }

    @Override
    public void begin(RestoreScope scope) {
        try {
            if (file == null) {
                json = RowJson.JSON.createGenerator(new NonClosing(stdout));
            } else {
                if (Files.exists(file) && Files.size(file) > 0 && !scope.force()) {
                    throw new BadInputException("cannot restore tenant " + scope.tenant() + ": " + file
                            + " exists and is not empty (use --force to replace it, or another file)");
                }
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                partial = Files.createTempFile(dir, file.getFileName().toString(), ".partial");
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
                json = RowJson.JSON.createGenerator(out);
            }
            json.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void apply(FoldedRow row) {
        if (row.deleted()) {
            return;
        }
        try {
            json.writeStartObject();
            json.writeStringField("table", row.table().name());
            json.writeFieldName("key");
            RowJson.writeKey(json, row);
            json.writeFieldName("row");
            RowJson.writeRow(json, row);
            json.writeEndObject();
            wroteAny = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void commit() {
        try {
            if (wroteAny) {
                json.writeRaw('\n');
            }
            json.close();
            json = null;
            if (partial != null) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                partial = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void abort() {
        close();
    }

    @Override
    public void close() {
        try {
            if (json != null) {
                json.close();
                json = null;
            }
            if (partial != null) {
                Files.deleteIfExists(partial);
                partial = null;
            }
        } catch (IOException e) {
            // best effort: the partial file has a name no reader takes for the result
        }
    }

    /** Standard output stays open after the restore. */
    private static final class NonClosing extends FilterWriter {
        NonClosing(Writer out) {
            super(out);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
