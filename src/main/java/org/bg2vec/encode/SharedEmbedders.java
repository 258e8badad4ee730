package org.bg2vec.encode;

import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.modelstore.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One open model per device per JVM: on a Spark executor the model is loaded by the first task that needs it on
 * its device and reused by every later partition on that device, instead of being reloaded per partition. Tasks
 * running at the same time on one device take turns on it (a model instance is not thread safe, and on a GPU the
 * device is the bottleneck anyway); tasks given different GPUs (local mode with several GPUs) get their own. A
 * task that needs another model on a device closes the one loaded there first (evaluate runs the base model,
 * then the adapted one: two 7B models never share a GPU). Embedders are closed when the JVM exits, or by
 * {@link #closeAll()}.
 */
public final class SharedEmbedders {

    private static final Logger LOG = LoggerFactory.getLogger(SharedEmbedders.class);

    private record Loaded(TextEmbedderFactory factory, TextEmbedder embedder) {
    }

    private static final Map<ComputeDevice, Object> DEVICE_LOCKS = new ConcurrentHashMap<>();
    private static final Map<ComputeDevice, Loaded> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedEmbedders::closeAll, "bg2vec-embedders-close"));
    }

    private SharedEmbedders() {
    }

    /**
     * Runs {@code work} with this JVM's embedder for {@code factory} on {@code device}, opening it on first use
     * (model directories from {@code models}) after closing another model loaded on that device. Calls for the
     * same device are serialised.
     */
    public static <R> R withEmbedder(TextEmbedderFactory factory, ComputeDevice device, ModelStore models,
                                     Function<TextEmbedder, R> work) {
        synchronized (DEVICE_LOCKS.computeIfAbsent(device, d -> new Object())) {
            Loaded loaded = OPEN.get(device);
            if (loaded == null || !loaded.factory().equals(factory)) {
                if (loaded != null) {
                    LOG.info("closing {} on {} to load {}", loaded.factory().describe(), device, factory.describe());
                    OPEN.remove(device);
                    close(loaded.embedder());
                }
                loaded = new Loaded(factory, factory.open(device, models));
                OPEN.put(device, loaded);
            }
            return work.apply(loaded.embedder());
        }
    }

    /** Closes and forgets every cached embedder (errors while closing are reported on stderr, not thrown). */
    public static void closeAll() {
        for (ComputeDevice d : List.copyOf(OPEN.keySet())) {
            synchronized (DEVICE_LOCKS.computeIfAbsent(d, x -> new Object())) {
                Loaded l = OPEN.remove(d);
                if (l != null) {
                    close(l.embedder());
                }
            }
        }
    }

    private static void close(TextEmbedder e) {
        try {
            e.close();
        } catch (RuntimeException ex) {
            System.err.println("bg2vec: closing an embedder failed: " + ex);
        }
    }
}
