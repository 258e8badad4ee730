package org.bg2vec.train.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which training run a checkpoint belongs to.
 *
 * @param runId the run: made when a run starts from scratch, kept by every run that resumes from one of its
 *              checkpoints. Pruning only ever removes checkpoints of the current run.
 * @param parts what makes two runs the same training: every training-relevant setting, the base model, the
 *              adapter merged into it and the training data, each as a short text or digest. Their hash is the
 *              {@link #fingerprint()}; a checkpoint whose parts differ belongs to another run.
 */
public record RunIdentity(String runId, SortedMap<String, String> parts) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    public RunIdentity {
        parts = new TreeMap<>(parts);
    }

    /** A new run id: the UTC start time and 32 random bits, e.g. {@code 20260101T120000Z-9f86d081}. */
    public static String newRunId() {
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        return STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-" + HexFormat.of().formatHex(r);
    }

    public RunIdentity withRunId(String id) {
        return new RunIdentity(id, parts);
    }

    /** SHA-256 (hex) of the parts. */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : parts.entrySet()) {
                sha.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What differs from {@code now}, one "name before -> now" per part, empty when they are the same run. */
    public List<String> differences(RunIdentity now) {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(parts.keySet());
        keys.addAll(now.parts.keySet());
        for (String k : keys) {
            String before = parts.get(k);
            String after = now.parts.get(k);
            if (!Objects.equals(before, after)) {
                out.add(k + " " + before + " -> " + after);
            }
        }
        return out;
    }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", runId);
        n.put("fingerprint", fingerprint());
        ObjectNode p = n.putObject("parts");
        parts.forEach(p::put);
        return n;
    }

    static RunIdentity fromJson(JsonNode n) {
        SortedMap<String, String> p = new TreeMap<>();
        n.path("parts").fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
        return new RunIdentity(n.path("id").asText(null), p);
    }
}
