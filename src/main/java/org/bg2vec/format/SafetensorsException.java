package org.bg2vec.format;

/** A malformed or unreadable safetensors file or checkpoint; the message names the file and tensor. */
public class SafetensorsException extends RuntimeException {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
