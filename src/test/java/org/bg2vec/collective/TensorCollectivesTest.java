package org.bg2vec.collective;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The DJL bridge: zero-copy views of CPU tensors and tensor collectives against plain sums. */
class TensorCollectivesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static float[] randomIntegers(long seed, int n) {
        return TcpCollectiveTest.randomIntegers(new Random(seed), n);
    }

    @Test
    void hostViewOfAContiguousCpuTensorIsZeroCopy() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray t = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            ByteBuffer view = PyTorchTensors.hostView(t);
            assertNotNull(view, "contiguous CPU tensor must have a direct view");
            assertEquals(24, view.capacity());
            view.putFloat(4, 42f);
            assertEquals(42f, t.getFloat(0, 1), "a write through the view must change the tensor");
            // the FloatBuffer the bridge passes on maps back onto the same bytes
            ByteBuffer again = BufferViews.bytesOf(view.asFloatBuffer());
            assertNotNull(again);
            again.putFloat(0, -7f);
            assertEquals(-7f, t.getFloat(0, 0));
        }
    }

    @Test
    void nonContiguousTensorsHaveNoView() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray t = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)).transpose();
            assertNull(PyTorchTensors.hostView(t));
            assertThrows(CollectiveException.class, () -> PyTorchTensors.dataBuffer(t));
        }
    }

    @Test
    void allReduceSumOfTensorsEqualsPlainSum() throws Exception {
        int n = 10_007;
        float[][] in = {randomIntegers(1, n), randomIntegers(2, n)};
        float[] expected = new float[n];
        for (float[] a : in) {
            for (int i = 0; i < n; i++) {
                expected[i] += a[i];
            }
        }
        try (LoopbackRing ring = LoopbackRing.connect(2, TIMEOUT)) {
            List<float[]> out = ring.runAll(r -> {
                try (NDManager m = DjlRuntime.newManager()) {
                    NDArray t = m.create(in[r]);
                    TensorCollectives.allReduceSum(ring.ranks.get(r), t);
                    return t.toFloatArray();
                }
            });
            assertArrayEquals(expected, out.get(0), 0f);
            assertArrayEquals(expected, out.get(1), 0f);
        }
    }

    @Test
    void allReduceSumOfANonContiguousTensorTakesTheCopyPath() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, TIMEOUT)) {
            List<float[]> out = ring.runAll(r -> {
                try (NDManager m = DjlRuntime.newManager()) {
                    NDArray t = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)).mul(r + 1).transpose();
                    TensorCollectives.allReduceSum(ring.ranks.get(r), t);
                    return t.toFloatArray();
                }
            });
            // transposed logical order of 3 × [[1,2,3],[4,5,6]]
            float[] expected = {3, 12, 6, 15, 9, 18};
            assertArrayEquals(expected, out.get(0), 0f);
            assertArrayEquals(expected, out.get(1), 0f);
        }
    }

    @Test
    void allGatherOfTensorsStacksBlocksInRankOrder() throws Exception {
        int w = 3;
        try (LoopbackRing ring = LoopbackRing.connect(w, TIMEOUT)) {
            List<float[]> out = ring.runAll(r -> {
                try (NDManager m = DjlRuntime.newManager()) {
                    NDArray block = m.create(randomIntegers(10 + r, 8), new Shape(2, 4));
                    NDArray all = TensorCollectives.allGather(ring.ranks.get(r), block, m);
                    assertEquals(new Shape(6, 4), all.getShape());
                    return all.toFloatArray();
                }
            });
            float[] expected = new float[w * 8];
            for (int r = 0; r < w; r++) {
                System.arraycopy(randomIntegers(10 + r, 8), 0, expected, 8 * r, 8);
            }
            for (float[] o : out) {
                assertArrayEquals(expected, o, 0f);
            }
        }
    }

    @Test
    void bucketedAllReduceWritesEverySumBackIntoItsTensor() throws Exception {
        Shape[] shapes = {new Shape(2, 3), new Shape(5), new Shape(1, 1)};
        try (LoopbackRing ring = LoopbackRing.connect(2, TIMEOUT)) {
            List<float[][]> out = ring.runAll(r -> {
                try (NDManager m = DjlRuntime.newManager()) {
                    NDArray[] ts = new NDArray[shapes.length];
                    for (int i = 0; i < shapes.length; i++) {
                        ts[i] = m.create(randomIntegers(100 * r + i, (int) shapes[i].size()), shapes[i]);
                    }
                    TensorCollectives.allReduceSum(ring.ranks.get(r), List.of(ts), m);
                    float[][] res = new float[shapes.length][];
                    for (int i = 0; i < shapes.length; i++) {
                        assertEquals(shapes[i], ts[i].getShape());
                        res[i] = ts[i].toFloatArray();
                    }
                    return res;
                }
            });
            for (int i = 0; i < shapes.length; i++) {
                float[] a = randomIntegers(i, (int) shapes[i].size());
                float[] b = randomIntegers(100 + i, (int) shapes[i].size());
                float[] expected = new float[a.length];
                for (int k = 0; k < a.length; k++) {
                    expected[k] = a[k] + b[k];
                }
                assertArrayEquals(expected, out.get(0)[i], 0f, "tensor " + i);
                assertArrayEquals(expected, out.get(1)[i], 0f, "tensor " + i);
            }
        }
    }

    @Test
    void gpuTensorsNeedADeviceCollectiveAndOtherTypesAreRejected() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray ints = m.create(new int[] {1, 2});
            assertThrows(IllegalArgumentException.class,
                    () -> TensorCollectives.allReduceSum(new SingleProcessCollective(), ints));
        }
    }

    /** A {@code type} of {@code size} ranks that only answers rank and size (all the route depends on). */
    private static <T extends Collective> T sized(Class<T> type, int size) {
        return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "size" -> size;
                    case "rank" -> 0;
                    default -> throw new UnsupportedOperationException(method.getName());
                }));
    }

    private static Collective hostCollective(int size) {
        return sized(Collective.class, size);
    }

    private static DeviceCollective ncclLike(int size) {
        return sized(DeviceCollective.class, size);
    }

    @Test
    void gpuTensorsGoToNcclInDeviceMemoryEvenWhenTimedAndThroughTheHostWithTheTcpCollective() {
        Device gpu = Device.gpu(0);
        assertEquals(TensorCollectives.Route.DEVICE, TensorCollectives.route(ncclLike(2), gpu));
        // the trainer wraps its collective to time it: NCCL must still see the device memory
        assertEquals(TensorCollectives.Route.DEVICE, TensorCollectives.route(new TimedCollective(ncclLike(2)), gpu));
        assertEquals(TensorCollectives.Route.HOST_STAGED, TensorCollectives.route(hostCollective(2), gpu));
        assertEquals(TensorCollectives.Route.HOST_STAGED,
                TensorCollectives.route(new TimedCollective(hostCollective(2)), gpu));
        assertEquals(TensorCollectives.Route.HOST, TensorCollectives.route(hostCollective(2), Device.cpu()));
        assertEquals(TensorCollectives.Route.HOST, TensorCollectives.route(ncclLike(2), Device.cpu()));
        assertEquals(TensorCollectives.Route.NONE, TensorCollectives.route(new SingleProcessCollective(), gpu));
        assertEquals(TensorCollectives.Route.NONE, TensorCollectives.route(new TimedCollective(ncclLike(1)), gpu));
    }
}
