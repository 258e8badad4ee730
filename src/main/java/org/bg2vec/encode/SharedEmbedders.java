package org.bg2vec.encode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One embedder per factory per JVM: on a Spark executor the model is loaded by the first task that needs
 * it and reused by every later partition, instead of being reloaded per partition. Tasks running at the
 * same time in one executor take turns on the shared embedder (a model instance is not thread safe, and on
 * a GPU executor the device is the bottleneck anyway). Embedders are closed when the JVM exits, or by
 * {@link #closeAll()}.
 */
public final class SharedEmbedders {

    private static final Map<TextEmbedderFactory, TextEmbedder> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedEmbedders::closeAll, "bg2vec-embedders-close"));
    }

    private SharedEmbedders() {
    }

    /**
     * Runs {@code work} with this JVM's embedder for {@code factory}, opening it on first use. Calls for the
     * same factory are serialised.
     */
    public static <R> R withEmbedder(TextEmbedderFactory factory, Function<TextEmbedder, R> work) {
        TextEmbedder embedder = OPEN.computeIfAbsent(factory, TextEmbedderFactory::open);
        synchronized (embedder) {
            return work.apply(embedder);
        }
    }

    /** Closes and forgets every cached embedder (errors while closing are reported on stderr, not thrown). */
    public static void closeAll() {
        List<TextEmbedder> toClose = new ArrayList<>();
        for (TextEmbedderFactory f : List.copyOf(OPEN.keySet())) {
            TextEmbedder e = OPEN.remove(f);
            if (e != null) {
                toClose.add(e);
            }
        }
        for (TextEmbedder e : toClose) {
            synchronized (e) {
                try {
                    e.close();
                } catch (RuntimeException ex) {
                    System.err.println("bg2vec: closing an embedder failed: " + ex);
                }
            }
        }
    }
}
