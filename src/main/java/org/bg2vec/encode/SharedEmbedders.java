package org.bg2vec.encode;

import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.modelstore.ModelStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One embedder per factory and device per JVM: on a Spark executor the model is loaded by the first task that
 * needs it on its device and reused by every later partition on that device, instead of being reloaded per
 * partition. Tasks running at the same time on one device take turns on the shared embedder (a model instance
 * is not thread safe, and on a GPU the device is the bottleneck anyway); tasks given different GPUs (local mode
 * with several GPUs, or an executor with several) get their own. Embedders are closed when the JVM exits, or by
 * {@link #closeAll()}.
 */
public final class SharedEmbedders {

    private record Key(TextEmbedderFactory factory, ComputeDevice device) {
    }

    private static final Map<Key, TextEmbedder> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedEmbedders::closeAll, "bg2vec-embedders-close"));
    }

    private SharedEmbedders() {
    }

    /**
     * Runs {@code work} with this JVM's embedder for {@code factory} on {@code device}, opening it on first use
     * (model directories from {@code models}). Calls for the same factory and device are serialised.
     */
    public static <R> R withEmbedder(TextEmbedderFactory factory, ComputeDevice device, ModelStore models,
                                     Function<TextEmbedder, R> work) {
        TextEmbedder embedder = OPEN.computeIfAbsent(new Key(factory, device),
                k -> k.factory().open(k.device(), models));
        synchronized (embedder) {
            return work.apply(embedder);
        }
    }

    /** Closes and forgets every cached embedder (errors while closing are reported on stderr, not thrown). */
    public static void closeAll() {
        List<TextEmbedder> toClose = new ArrayList<>();
        for (Key f : List.copyOf(OPEN.keySet())) {
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
