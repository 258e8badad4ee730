package org.bg2vec.train.checkpoint;

import java.io.IOException;

/**
 * A checkpoint that is not provably complete: no completion marker, a file missing, of another size or
 * checksum than the marker records, or unreadable contents. Reading it again gives the same answer, unlike a
 * plain {@link IOException} of the file system.
 */
public final class CorruptCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    public CorruptCheckpointException(String message) {
        super(message);
    }

    public CorruptCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
