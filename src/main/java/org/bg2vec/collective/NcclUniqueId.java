package org.bg2vec.collective;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The 128-byte NCCL unique id (ncclUniqueId) that rank 0 creates and every rank passes to
 * {@code ncclCommInitRank}; carried through the Spark rendezvous as base64 text. It contains rank 0's
 * bootstrap address, so it is only valid for one job and one communicator.
 */
public record NcclUniqueId(byte[] bytes) {

    /** NCCL_UNIQUE_ID_BYTES. */
    public static final int BYTES = 128;

    public NcclUniqueId {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("an NCCL unique id has " + BYTES + " bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Base64 text for the rendezvous. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Parses {@link #toBase64()} output, with a precise error for anything else. */
    public static NcclUniqueId fromBase64(String text) {
        Objects.requireNonNull(text, "NCCL unique id text");
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("NCCL unique id is not valid base64: " + e.getMessage(), e);
        }
        if (raw.length != BYTES) {
            throw new IllegalArgumentException("NCCL unique id decodes to " + raw.length + " bytes, expected " + BYTES
                    + " (truncated or not an NCCL id)");
        }
        return new NcclUniqueId(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NcclUniqueId id && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "NcclUniqueId[" + toBase64().substring(0, 12) + "...]";
    }
}
