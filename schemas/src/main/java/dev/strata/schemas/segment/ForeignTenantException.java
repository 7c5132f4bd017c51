package dev.strata.schemas.segment;

import dev.strata.schemas.TenantId;

/**
 * A segment filed under one tenant holds an event of another. The sink writes one tenant per
 * segment, so such an object was put there by someone holding the regime's writer key (or by a bug);
 * its SHA-256 may well match what its writer declared, which is why the events themselves are read.
 * Nothing of it may be restored, folded into a base or sealed.
 */
public final class ForeignTenantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String found;

    public ForeignTenantException(String source, TenantId expected, String found, long eventIndex) {
        super("segment " + source + " is filed under tenant " + expected + " but its event " + eventIndex + " belongs to tenant '"
                + found + "': it was planted with the writer key or misfiled, and none of it is used; run restore-tool verify --tenant "
                + expected + " and rotate the regime's writer key");
        this.source = source;
        this.found = found;
    }

    /** The object key (or other name) of the segment. */
    public String source() {
        return source;
    }

    /** The tenant the offending event names. */
    public String found() {
        return found;
    }
}
