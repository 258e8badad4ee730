package org.bg2vec.collective;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one worker tells the others at the rendezvous (one string per task through
 * {@code BarrierTaskContext.allGather}): its rank, the host and port of its {@link CollectiveEndpoint},
 * its GPU address (null on CPU) and the identity of its JVM, and — from rank 0 only — the job secret and, on GPU,
 * the NCCL unique id (both base64). A GPU address is only unique within a process's view of the host (containers
 * on one host may each see their own GPU as 0), so two ranks clash on a GPU only within one JVM. {@link #encode()} / {@link #decode(String)} give a single-line text form;
 * {@link Rendezvous} turns the full set into a {@link PeerTable}.
 */
public record Announcement(int rank, String host, int port, String gpu, String secretBase64, String ncclIdBase64,
                           String jvm) {

    private static final String VERSION = "bg2vec-rendezvous-1";
    /** This JVM's identity in announcements: random, so equal only for ranks in the same process. */
    public static final String THIS_JVM = java.util.UUID.randomUUID().toString();

    /** An announcement of a rank running in this JVM. */
    public Announcement(int rank, String host, int port, String gpu, String secretBase64, String ncclIdBase64) {
        this(rank, host, port, gpu, secretBase64, ncclIdBase64, THIS_JVM);
    }

    public Announcement {
        Objects.requireNonNull(host, "host");
        if (rank < 0) {
            throw new IllegalArgumentException("rank must be >= 0, got " + rank);
        }
        new PeerAddress(host, port); // validates host and port
        Objects.requireNonNull(jvm, "jvm");
        for (String v : new String[] {host, gpu, secretBase64, ncclIdBase64, jvm}) {
            if (v != null && (v.contains(";") || v.contains("\n"))) {
                throw new IllegalArgumentException("rendezvous field contains ';' or a newline: " + v);
            }
        }
    }

    /**
     * Single-line text form:
     * {@code bg2vec-rendezvous-1;rank=0;host=h;port=1234;jvm=..[;gpu=0][;secret=..][;ncclId=..]}.
     */
    public String encode() {
        StringBuilder sb = new StringBuilder(VERSION).append(";rank=").append(rank).append(";host=").append(host)
                .append(";port=").append(port).append(";jvm=").append(jvm);
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
                    fields.get("ncclId"), required(fields, "jvm"));
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
