package dev.strata.schemas.segment;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Checks that every event of a segment belongs to the tenant it is filed under, for those that
 * read a segment without folding it (verify, the sink's sealer). Reads the events through a
 * projection on the tenant field alone, so Avro skips the rest of each event; any released
 * schema resolves to it, since every one of them has the tenant field.
 */
public final class SegmentTenants {
    private static final Schema TENANT_ONLY = SchemaBuilder.record(ChangeEvent.getClassSchema().getName())
            .namespace(ChangeEvent.getClassSchema().getNamespace())
            .fields().requiredString("tenant").endRecord();

    private SegmentTenants() {
    }

    /**
     * @param bytes the segment, already matched to its SHA-256 by the caller (Avro would read a cut file as a shorter one)
     * @return the number of events, all of {@code tenant}
     * @throws ForeignTenantException at the first event of another tenant
     * @throws UnreadableSegmentException when the bytes are not a segment
     */
    public static long requireTenant(byte[] bytes, TenantId tenant, String source) {
        long events = 0;
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(null, TENANT_ONLY);
        try (DataFileStream<GenericRecord> stream = new DataFileStream<>(new ByteArrayInputStream(bytes), reader)) {
            GenericRecord reuse = null;
            while (stream.hasNext()) {
                reuse = stream.next(reuse);
                String found = reuse.get(0).toString();
                if (!found.equals(tenant.value())) {
                    throw new ForeignTenantException(source, tenant, found, events);
                }
                events++;
            }
        } catch (IOException | AvroRuntimeException e) {
            throw new UnreadableSegmentException("segment " + source + " cannot be read although its SHA-256 matched: " + e
                    + " (not a segment, or a schema newer than this build: upgrade)", e);
        }
        return events;
    }
}
