package org.bg2vec.prepare;

/**
 * An input that cannot be read as a whole (truncated or corrupt compression, index that does not match the dump,
 * empty dump): the job stops with this message, which names the file, the place and what to do.
 */
public final class DumpReadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DumpReadException(String message, Throwable cause) {
        super(message, cause);
    }

    public DumpReadException(String message) {
        super(message);
    }
}
