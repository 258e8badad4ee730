package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Masks of a pass without grad are read back (not recomputed) once by the pass with grad, within the budget. */
class HostMaskCacheTest {

    private static boolean[] get(HostMaskCache cache, NDManager m, boolean grad, long key, int n,
                                 AtomicInteger computed) {
        Supplier<NDArray> compute = () -> {
            computed.incrementAndGet();
            return m.zeros(new Shape(n), DataType.BOOLEAN);
        };
        try (Autograd.Scope g = Autograd.gradMode(grad); NDManager call = m.newSubManager()) {
            return cache.get(call, key, 1, n, compute).toBooleanArray();
        }
    }

    @Test
    void passWithoutGradPutsPassWithGradTakesOnce() {
        DjlRuntime.engine();
        try (NDManager m = DjlRuntime.newManager()) {
            HostMaskCache cache = new HostMaskCache(1 << 20);
            AtomicInteger computed = new AtomicInteger();
            boolean[] first = get(cache, m, false, 7, 1000, computed);
            assertEquals(1, computed.get());
            assertArrayEquals(first, get(cache, m, false, 7, 1000, computed), "read again without grad");
            assertEquals(1, computed.get(), "a pass without grad reads the kept mask");
            assertArrayEquals(first, get(cache, m, true, 7, 1000, computed), "taken by the pass with grad");
            assertEquals(1, computed.get(), "the pass with grad takes the kept mask");
            get(cache, m, true, 7, 1000, computed);
            assertEquals(2, computed.get(), "taken masks are gone; a pass with grad does not put");
            get(cache, m, true, 7, 1000, computed);
            assertEquals(3, computed.get());
            get(cache, m, false, 7, 999, computed);
            assertEquals(4, computed.get(), "another length is another mask");
        }
    }

    @Test
    void oldestMasksAreEvictedBeyondTheBudget() {
        DjlRuntime.engine();
        try (NDManager m = DjlRuntime.newManager()) {
            HostMaskCache cache = new HostMaskCache(2500);
            AtomicInteger computed = new AtomicInteger();
            for (long key = 1; key <= 3; key++) {
                get(cache, m, false, key, 1000, computed);
            }
            assertEquals(3, computed.get());
            get(cache, m, true, 3, 1000, computed);
            get(cache, m, true, 2, 1000, computed);
            assertEquals(3, computed.get(), "the two newest masks fit in 2500 bytes");
            get(cache, m, true, 1, 1000, computed);
            assertEquals(4, computed.get(), "the oldest was evicted");
            get(cache, m, false, 9, 3000, computed);
            get(cache, m, true, 9, 3000, computed);
            assertEquals(6, computed.get(), "a mask over the budget is not kept");
        }
    }
}
