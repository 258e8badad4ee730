package org.bg2vec.ops;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.collective.NcclCollective;
import org.bg2vec.collective.NcclUniqueId;
import org.bg2vec.collective.TensorCollectives;
import org.bg2vec.djl.DjlRuntime;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * GPU node smoke test, run by {@code submit/gpu-smoke.sh}: loads NCCL, runs NCCL collectives of known
 * values on host buffers (N ranks as threads, one GPU each) and on DJL CUDA tensors through the
 * zero-copy device-pointer path. A check that cannot run (no NCCL, no CUDA device for DJL) fails with its
 * reason; nothing is skipped. (Real training steps on the GPU are the script's {@code train} check.)
 * Exit 0 = every check passed, 1 = a check failed or could not run.
 */
public final class GpuSmoke {

    private GpuSmoke() {
    }

    public static void main(String[] args) throws Exception {
        int ranks = 1;
        int firstDevice = 0;
        long timeoutS = 60;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ranks" -> ranks = Integer.parseInt(args[++i]);
                case "--device" -> firstDevice = Integer.parseInt(args[++i]);
                case "--timeout-s" -> timeoutS = Long.parseLong(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: GpuSmoke [--ranks N] [--device FIRST] [--timeout-s S] (see submit/gpu-smoke.sh --help)");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        System.exit(run(ranks, firstDevice, Duration.ofSeconds(timeoutS)));
    }

    static int run(int ranks, int firstDevice, Duration timeout) throws Exception {
        boolean ok;
        if (NcclCollective.isAvailable()) {
            System.out.println("OK   nccl-load: NCCL and CUDA runtime bindings loaded");
            ok = hostAllReduce(ranks, firstDevice, timeout);
            ok &= tensorCollectives(firstDevice, timeout);
        } else {
            String reason;
            try {
                NcclCollective.newUniqueId();
                reason = "NcclCollective.isAvailable() is false";
            } catch (RuntimeException | LinkageError e) {
                reason = e.getMessage();
            }
            System.out.println("FAIL nccl-load: " + reason);
            System.out.println("FAIL host-allreduce: could not run: NCCL is not loadable (see nccl-load)");
            System.out.println("FAIL cuda-tensors: could not run: NCCL is not loadable (see nccl-load)");
            ok = false;
        }
        System.out.println(ok ? "PASSED" : "FAILED");
        return ok ? 0 : 1;
    }

    /** N ranks (threads, devices first..first+N-1): all-reduce of (rank+1)·i must give N(N+1)/2·i. */
    private static boolean hostAllReduce(int ranks, int firstDevice, Duration timeout) throws Exception {
        NcclUniqueId id = NcclCollective.newUniqueId();
        NcclUniqueId viaRendezvous = NcclUniqueId.fromBase64(id.toBase64());
        int n = 1 << 20;
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    try (NcclCollective c = NcclCollective.init(rank, ranks, viaRendezvous, firstDevice + rank, timeout)) {
                        FloatBuffer buf = FloatBuffer.allocate(n);
                        for (int i = 0; i < n; i++) {
                            buf.put(i, (rank + 1) * (float) (i % 1000));
                        }
                        c.allReduceSum(buf);
                        float factor = ranks * (ranks + 1) / 2f;
                        for (int i = 0; i < n; i++) {
                            if (buf.get(i) != factor * (i % 1000)) {
                                return "rank " + rank + ": element " + i + " = " + buf.get(i) + ", expected " + factor * (i % 1000);
                            }
                        }
                        FloatBuffer gathered = FloatBuffer.allocate(3 * ranks);
                        c.allGather(FloatBuffer.wrap(new float[] {rank, -rank, 7}), gathered);
                        for (int q = 0; q < ranks; q++) {
                            if (gathered.get(3 * q) != q || gathered.get(3 * q + 1) != -q || gathered.get(3 * q + 2) != 7) {
                                return "rank " + rank + ": allGather block " + q + " wrong";
                            }
                        }
                        c.barrier();
                        return null;
                    }
                }));
            }
            boolean ok = true;
            for (Future<String> f : results) {
                String err = f.get(timeout.toSeconds() * 3, TimeUnit.SECONDS);
                if (err != null) {
                    System.out.println("FAIL host-allreduce: " + err);
                    ok = false;
                }
            }
            if (ok) {
                System.out.println("OK   host-allreduce: " + ranks + " rank(s), " + n + " floats, allGather, barrier");
            }
            return ok;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A 1-rank communicator on CUDA tensors: device pointers from DJL, all-gather into zeros, all-reduce. */
    private static boolean tensorCollectives(int device, Duration timeout) {
        Engine engine = DjlRuntime.engine();
        if (engine.getGpuCount() <= device) {
            System.out.println("FAIL cuda-tensors: could not run: DJL sees " + engine.getGpuCount() + " CUDA device(s),"
                    + " needs device " + device + " (a CPU-only libtorch, or no driver: point PYTORCH_LIBRARY_PATH,"
                    + " PYTORCH_FLAVOR=cu128 and PYTORCH_VERSION=2.7.1 at a CUDA libtorch 2.7.1; see the gpu-libraries"
                    + " check)");
            return false;
        }
        Device gpu = Device.gpu(device);
        try (NDManager m = engine.newBaseManager(gpu);
             NcclCollective c = NcclCollective.init(0, 1, NcclCollective.newUniqueId(), device, timeout)) {
            NDArray block = m.arange(0f, 12f).reshape(new Shape(3, 4));
            NDArray gathered = TensorCollectives.allGather(c, block, m);
            float[] expected = block.toFloatArray();
            float[] got = gathered.toFloatArray();
            if (!java.util.Arrays.equals(expected, got)) {
                System.out.println("FAIL cuda-tensors: allGather wrote " + java.util.Arrays.toString(got));
                return false;
            }
            NDArray grad = m.arange(0f, 1000f).mul(0.5f);
            TensorCollectives.allReduceSum(c, grad);
            float[] sums = grad.toFloatArray();
            for (int i = 0; i < sums.length; i++) {
                if (sums[i] != 0.5f * i) {
                    System.out.println("FAIL cuda-tensors: allReduce element " + i + " = " + sums[i]);
                    return false;
                }
            }
            System.out.println("OK   cuda-tensors: allGather/allReduce on " + gpu + " through data_ptr()");
            return true;
        } catch (RuntimeException e) {
            System.out.println("FAIL cuda-tensors: " + e);
            return false;
        }
    }
}
