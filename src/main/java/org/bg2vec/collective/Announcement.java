package org.bg2vec.collective;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one worker tells the others at the rendezvous (one string per task through
 * {@code BarrierTaskContext.allGather}): its rank, the host and port of its {@link CollectiveEndpoint},
 * its GPU address (null on CPU), and — from rank 0 only — the job secret and, on GPU, the NCCL unique id
 * (both base64). {@link #encode()} / {@link #decode(String)} give a single-line text form;
 * {@link Rendezvous} turns the full set into a {@link PeerTable}.
 */
public record Announcement(int rank, String host, int port, String gpu, String secretBase64, String ncclIdBase64) {

    private static final String VERSION = "bg2vec-rendezvous-1";

    public Announcement {
        Objects.requireNonNull(host, "host");
        if (rank < 0) {
            throw new IllegalArgumentException("rank must be >= 0, got " + rank);
        }
        new PeerAddress(host, port); // validates host and port
        for (String v : new String[] {host, gpu, secretBase64, ncclIdBase64}) {
            if (v != null && (v.contains(";") || v.contains("\n"))) {
                throw new IllegalArgumentException("rendezvous field contains ';' or a newline: " + v);
            }
        }
    }

    /** Single-line text form: {@code bg2vec-rendezvous-1;rank=0;host=h;port=1234[;gpu=0][;secret=..][;ncclId=..]}. */
    public String encode() {
        StringBuilder sb = new StringBuilder(VERSION).append(";rank=").append(rank).append(";host=").append(host)
                .append(";port=").append(port);
        if (gpu != null) {
            sb.append(";gpu=").append(gpu);
        }
        if (secretBase64 != null) {
            sb.append(";secret=").append(secretBase64);
        }
        if (ncclIdBase64 != null) {
            sb.append(";ncclId=").append(ncclIdBase64);
        }
        return sb.toString();
    }

    /** Parses {@link #encode()} output; the message names what is wrong. */
    public static Announcement decode(String text) {
        Objects.requireNonNull(text, "rendezvous message");
        String[] parts = text.trim().split(";");
        if (parts.length == 0 || !parts[0].equals(VERSION)) {
            throw new IllegalArgumentException("not a " + VERSION + " message (different bg2vec versions on the"
                    + " workers?): " + abbreviate(text));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed rendezvous field '" + abbreviate(parts[i]) + "'");
            }
            fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        try {
            return new Announcement(Integer.parseInt(required(fields, "rank")), required(fields, "host"),
                    Integer.parseInt(required(fields, "port")), fields.get("gpu"), fields.get("secret"),
                    fields.get("ncclId"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rendezvous message has a non-numeric rank or port: " + abbreviate(text), e);
        }
    }

    private static String required(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("rendezvous message lacks '" + key + "'");
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "Announcement[rank=" + rank + ", " + host + ":" + port + (gpu == null ? "" : ", gpu " + gpu)
                + (secretBase64 == null ? "" : ", secret") + (ncclIdBase64 == null ? "" : ", ncclId") + "]";
    }
}
