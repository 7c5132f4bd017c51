package dev.strata.schemas.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An object was being read into a local file and the file could not be written: the reader's disk failed
 * (full, read-only, gone), not the store. Told apart so that nobody is sent to check an endpoint, and no
 * retry GETs the object again into a disk that cannot hold it.
 */
public final class LocalFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path path;

    public LocalFileException(Path path, IOException cause) {
        super("cannot write the local file " + path + ": " + cause.getMessage(), cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
