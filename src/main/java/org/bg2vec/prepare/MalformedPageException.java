package org.bg2vec.prepare;

/** A page fragment that is not well-formed XML or lacks what a page needs; the page is rejected, the job goes on. */
public final class MalformedPageException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedPageException(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedPageException(String message) {
        super(message);
    }
}
