package org.bg2vec.collective;

/** A collective operation failed: timeout (naming the peer), authentication, abort or I/O. */
public class CollectiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CollectiveException(String message) {
        super(message);
    }

    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
