package org.bg2vec.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU dropout masks of a pass without grad, kept for the re-forward of the same inputs with grad: GradCache (and
 * the layer recomputation) run every training forward twice with the same dropout keys, and on the CPU computing
 * a mask costs more than applying it. A mask is a pure function of (key, threshold, length), so a kept mask is
 * exactly the one that would be recomputed: results do not depend on what is cached.
 *
 * <p>A pass without grad puts the masks it computes and reads the ones it finds; a pass with grad takes them
 * (removes them: each mask is read by one re-forward). At most a budget of bytes is held (1 byte per element;
 * {@link DeterministicDropout#HOST_MASK_BUDGET_BYTES} in the trainer, one cache per JVM), the oldest evicted first,
 * so masks that are never taken (a forward in training mode without grad that is not re-run) cost at most that
 * much memory. The CPU memory plan counts what a step keeps here ({@code MemoryPlanner}).
 */
final class HostMaskCache {

    private record Key(long key, long threshold, int length) {
    }

    private final long budgetBytes;
    private final Map<Key, NDArray> masks = new LinkedHashMap<>();
    private NDManager manager;
    private long bytes;

    HostMaskCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * The mask of (key, threshold, length) as a new handle on {@code caller}: the kept one if there is one,
     * else {@code compute}'s (built on {@code caller}), kept when the thread does not record a graph.
     */
    NDArray get(NDManager caller, long key, long threshold, int length, Supplier<NDArray> compute) {
        Key k = new Key(key, threshold, length);
        boolean recording = Autograd.isRecording();
        NDArray found = lookUp(k, recording);
        if (found != null) {
            found.attach(caller);
            return found;
        }
        NDArray mask = compute.get();
        if (!recording) {
            put(k, mask);
        }
        return mask;
    }

    /** A new handle (a view sharing the memory) of the kept mask, removing the entry when {@code take}. */
    private synchronized NDArray lookUp(Key k, boolean take) {
        NDArray kept = take ? masks.remove(k) : masks.get(k);
        if (kept == null) {
            return null;
        }
        NDArray view = kept.reshape(k.length());
        if (take) {
            bytes -= k.length();
            kept.close();
        }
        return view;
    }

    private synchronized void put(Key k, NDArray mask) {
        if (k.length() > budgetBytes || masks.containsKey(k)) {
            return;
        }
        Iterator<NDArray> oldest = masks.values().iterator();
        while (bytes + k.length() > budgetBytes) {
            NDArray evicted = oldest.next();
            bytes -= evicted.size();
            evicted.close();
            oldest.remove();
        }
        if (manager == null) {
            manager = DjlRuntime.engine().newBaseManager(Device.cpu());
        }
        NDArray view = mask.reshape(k.length());
        view.attach(manager);
        masks.put(k, view);
        bytes += k.length();
    }
}
