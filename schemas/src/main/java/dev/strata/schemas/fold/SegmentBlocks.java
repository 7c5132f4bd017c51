package dev.strata.schemas.fold;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The data blocks of a segment (an Avro object container file), each decompressed into one reused
 * buffer by one zstd context for the whole segment: Avro's codec makes a new zstd stream for every
 * block (some 130 per segment) and copies each through a growing buffer, which was a tenth of a
 * rollback's read. Codecs null and zstandard, what SegmentWriter writes ({@link #readable}); the sync marker is checked
 * after every block, as Avro does. Not thread-safe; close it to free the zstd context.
 */
final class SegmentBlocks implements AutoCloseable {
    private static final byte[] MAGIC = {'O', 'b', 'j', 1};
    private static final int SYNC_SIZE = 16;
    /** Parsed once per distinct text: every segment of a release carries the same. */
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private final byte[] segment;
    private final AvroCursor file = new AvroCursor();
    private final Schema schema;
    private final ZstdDecompressCtx zstd;
    /** Whether its codec is one this reads; another (SegmentWriter never wrote one) is read by Avro's own reader. */
    private final boolean readable;
    private final byte[] sync = new byte[SYNC_SIZE];
    /** Avro's default block is 64 KB before compression, and holds one event at least, whatever its size. */
    private byte[] block = new byte[128 * 1024];
    /** Past this, a block is refused: larger than any array, and than any event Strata backs up (1 GiB at most). */
    private static final int MAX_BLOCK = Integer.MAX_VALUE - 8;
    private long count;

    SegmentBlocks(byte[] segment) throws IOException {
        this.segment = segment;
        if (segment.length < MAGIC.length + SYNC_SIZE || !Arrays.equals(segment, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException("not an Avro object container file (no magic bytes)");
        }
        file.reset(segment, MAGIC.length, segment.length - MAGIC.length);
        String schemaText = null;
        String codec = "null";
        for (long n = file.arrayBlock(); n != 0; n = file.arrayBlock()) {
            for (long i = 0; i < n; i++) {
                String key = file.readString();
                int length = file.string();
                String value = new String(segment, file.stringStart, length, StandardCharsets.UTF_8);
                if (key.equals("avro.schema")) {
                    schemaText = value;
                } else if (key.equals("avro.codec")) {
                    codec = value;
                }
            }
        }
        if (schemaText == null) {
            throw new IOException("the file's header has no avro.schema");
        }
        readable = codec.equals("null") || codec.equals("zstandard");
        schema = SCHEMAS.computeIfAbsent(schemaText, text -> new Schema.Parser().parse(text));
        takeSync(sync);
        zstd = codec.equals("zstandard") ? new ZstdDecompressCtx() : null;
    }

    Schema schema() {
        return schema;
    }

    boolean readable() {
        return readable;
    }

    /** Reads the next block into {@code into}; false at the end of the file. */
    boolean next(AvroCursor into) throws IOException {
        if (file.remaining() == 0) {
            return false;
        }
        count = file.readLong();
        int size = file.string(); // the block's bytes: a length, then that many bytes
        int start = file.stringStart;
        if (file.remaining() < SYNC_SIZE || !Arrays.equals(segment, file.pos, file.pos + SYNC_SIZE, sync, 0, SYNC_SIZE)) {
            throw new IOException("a block's sync marker is not the file's: the file is damaged");
        }
        file.pos += SYNC_SIZE;
        if (count < 0) {
            throw new IOException("a block of " + count + " events");
        }
        if (!readable) {
            throw new IllegalStateException("a codec this does not read: ask readable() first");
        }
        if (zstd == null) {
            into.reset(segment, start, size);
        } else {
            int length = decompress(start, size); // first: it may grow the buffer
            into.reset(block, 0, length);
        }
        return true;
    }

    /** How many events the block {@link #next} read holds. */
    long count() {
        return count;
    }

    private int decompress(int start, int size) throws IOException {
        while (true) {
            try {
                return zstd.decompressByteArray(block, 0, block.length, segment, start, size);
            } catch (ZstdException e) {
                if (e.getErrorCode() != Zstd.errDstSizeTooSmall()) {
                    throw e;
                }
                if (block.length == MAX_BLOCK) {
                    throw new IOException("a block of " + size + " bytes decompresses to more than " + MAX_BLOCK + " bytes");
                }
                block = new byte[(int) Math.min(MAX_BLOCK, block.length * 2L)]; // a block holds a whole event, which may be large
            }
        }
    }

    private void takeSync(byte[] into) throws IOException {
        if (file.remaining() < SYNC_SIZE) {
            throw new IOException("the file ends inside a sync marker");
        }
        System.arraycopy(file.buf, file.pos, into, 0, SYNC_SIZE);
        file.pos += SYNC_SIZE;
    }

    @Override
    public void close() {
        if (zstd != null) {
            zstd.close();
        }
    }
}
