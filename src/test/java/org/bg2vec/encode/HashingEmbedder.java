package org.bg2vec.encode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only embedder: a deterministic bag of hashed character trigrams (signed feature hashing), so texts
 * sharing trigrams get similar vectors. Handles llm2vec's instruction form by pooling only the text after the
 * separator, like the real encoder. Records every batch it sees.
 */
public final class HashingEmbedder implements TextEmbedder {

    /** How many times each factory opened an embedder in this JVM. */
    public static final Map<Factory, AtomicInteger> OPENS = new ConcurrentHashMap<>();

    private final int dimension;
    private final int seed;
    private final List<List<String>> batches = new ArrayList<>();
    private boolean closed;

    public HashingEmbedder(int dimension, int seed) {
        this.dimension = dimension;
        this.seed = seed;
    }

    /** Serializable factory, value-equal by (dimension, seed). */
    public record Factory(int dimension, int seed) implements TextEmbedderFactory {
        /** Opens on the CPU (the hashing embedder has no device nor model files). */
        public TextEmbedder open() {
            return open(org.bg2vec.djl.ComputeDevice.cpu(), null);
        }

        @Override
        public TextEmbedder open(org.bg2vec.djl.ComputeDevice device, org.bg2vec.modelstore.ModelStore models) {
            OPENS.computeIfAbsent(this, f -> new AtomicInteger()).incrementAndGet();
            return new HashingEmbedder(dimension, seed);
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[][] embed(List<String> texts) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        batches.add(List.copyOf(texts));
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = vector(texts.get(i));
        }
        return out;
    }

    /** The vector of one text, the same whatever batch it is in. */
    public float[] vector(String text) {
        int sep = text.indexOf(Instructions.SEPARATOR);
        String pooled = sep < 0 ? text : text.substring(sep + Instructions.SEPARATOR.length());
        String t = " " + pooled.toLowerCase(Locale.ROOT) + " ";
        float[] v = new float[dimension];
        for (int i = 0; i + 3 <= t.length(); i++) {
            int h = hash(t.substring(i, i + 3));
            v[Math.floorMod(h, dimension)] += (h & 0x40000000) == 0 ? 1f : -1f;
        }
        v[0] += 0.5f; // never all zeros
        return v;
    }

    private int hash(String gram) {
        int h = seed * 0x9E3779B9;
        for (byte b : gram.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x01000193;
            h ^= h >>> 15;
        }
        return h;
    }

    /** The batches passed to {@link #embed}, in call order. */
    public List<List<String>> batches() {
        return batches;
    }

    @Override
    public void close() {
        closed = true;
    }
}
