package dev.strata.schemas.segment;

import java.util.Objects;

/**
 * A finished segment held in memory, ready to upload. Segments are bounded (8 MiB by default), and
 * an upload needs the whole body for its Content-MD5 anyway.
 */
public final class Segment {

    private final byte[] bytes;
    private final SegmentSummary summary;

    Segment(byte[] bytes, SegmentSummary summary) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.summary = Objects.requireNonNull(summary, "summary");
    }

    /** The Avro object container file. Not copied, to spare megabytes per upload: do not modify it. */
    public byte[] bytes() {
        return bytes;
    }

    public SegmentSummary summary() {
        return summary;
    }

    @Override
    public String toString() {
        return "Segment[" + summary + "]";
    }
}
