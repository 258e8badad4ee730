package org.bg2vec.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * All-reduce bus bandwidth of {@link TcpCollective} on loopback next to raw TCP moving the same bytes,
 * measured side by side (interleaved repetitions) in one run. Not a test; run it by hand (see
 * src/site/markdown/benchmarks-collective.md):
 *
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-cp.txt
 * java -Xmx4g --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -cp target/test-classes:target/classes:$(cat target/test-cp.txt) \
 *     org.bg2vec.collective.CollectiveBenchmark [workers=2] [sizes in MB, comma-separated: 4,16,64,256]
 * </pre>
 *
 * <ul>
 *   <li>busbw = bytes / time per call × 2(W−1)/W: what each rank sends (and receives) per second, comparable
 *       across W, as in nccl-tests.</li>
 *   <li>raw ring TCP: the same traffic without the collective: every rank streams 2(W−1)/W of the buffer to
 *       its right neighbour while receiving as much from its left one, over plain blocking socket channels
 *       between direct buffers, one sender and one receiver thread per rank (no framing, no reduction). Its
 *       bytes per rank per second is the ceiling of busbw on this machine.</li>
 *   <li>raw 1-way TCP: one connection streaming the whole buffer in one direction (the figure quoted before;
 *       on loopback both directions share the same CPUs, so the ring cannot reach it).</li>
 * </ul>
 * Each repetition runs raw ring TCP, then the all-reduce, both timed the same way: from handing the work to
 * the ranks' threads until the last one finished. The table gives medians and the median of the
 * per-repetition ratios, and the process CPU time of all all-reduces over that of all raw exchanges (on
 * loopback both sides' kernel copies count, so this is the extra work the collective does per byte). Workers are threads of this JVM with
 * their own sockets, direct little-endian buffers (the zero-copy path) and ring positions.
 */
public final class CollectiveBenchmark {

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private CollectiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int w = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int[] sizesMb = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {4, 16, 64, 256};
        System.out.printf(Locale.ROOT, "workers=%d, cores=%d, java=%s%n", w, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.println("| size | reps | raw 1-way TCP GB/s | raw ring TCP GB/s per rank | all-reduce ms"
                + " | busbw GB/s | busbw / raw ring | busbw / raw 1-way | CPU time all-reduce / raw ring |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-raw");
            t.setDaemon(true);
            return t;
        });
        try (LoopbackRing ring = LoopbackRing.connect(w, Duration.ofSeconds(300));
             RawRing raw = RawRing.connect(w, pool)) {
            for (int mb : sizesMb) {
                runSize(ring, raw, w, mb);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void runSize(LoopbackRing ring, RawRing raw, int w, int mb) throws Exception {
        long bytes = (long) mb << 20;
        int floats = (int) (bytes / 4);
        int perRank = (int) (bytes * 2 * (w - 1) / w);
        int reps = Math.max(8, Math.min(64, 512 / mb));
        FloatBuffer[] bufs = new FloatBuffer[w];
        for (int r = 0; r < w; r++) {
            bufs[r] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < floats; i += 1024) {
                bufs[r].put(i, 1f);
            }
        }
        ByteBuffer src = ByteBuffer.allocateDirect((int) bytes);
        ByteBuffer dst = ByteBuffer.allocateDirect((int) bytes);
        double[] oneWay = new double[3];
        for (int i = 0; i < oneWay.length; i++) {
            oneWay[i] = bytes / (double) oneWayNanos(src, dst, raw.pool);
        }
        raw.exchange(perRank); // warm-up
        allReduceNanos(ring, bufs);
        double[] rawBw = new double[reps];
        double[] busBw = new double[reps];
        double[] ratio = new double[reps];
        double[] ms = new double[reps];
        long rawCpu = 0;
        long ringCpu = 0;
        for (int i = 0; i < reps; i++) {
            long c0 = PROCESS.getProcessCpuTime();
            long rawNanos = raw.exchange(perRank);
            long c1 = PROCESS.getProcessCpuTime();
            long ringNanos = allReduceNanos(ring, bufs);
            rawCpu += c1 - c0;
            ringCpu += PROCESS.getProcessCpuTime() - c1;
            rawBw[i] = perRank / (double) rawNanos;
            busBw[i] = perRank / (double) ringNanos;
            ratio[i] = rawNanos / (double) ringNanos;
            ms[i] = ringNanos / 1e6;
        }
        double oneWayMedian = median(oneWay);
        System.out.printf(Locale.ROOT, "| %d MB | %d | %.2f | %.2f | %.1f | %.2f | %.2f | %.2f | %.2f |%n", mb, reps,
                oneWayMedian, median(rawBw), median(ms), median(busBw), median(ratio), median(busBw) / oneWayMedian,
                ringCpu / (double) Math.max(1, rawCpu));
        System.gc(); // direct buffers are freed by GC: release this size's before the next one
    }

    /**
     * One all-reduce on every rank, timed like the raw exchange: from handing the calls to the ranks' threads
     * until the last rank returned.
     */
    private static long allReduceNanos(LoopbackRing ring, FloatBuffer[] bufs) throws Exception {
        long t0 = System.nanoTime();
        ring.runAll(r -> {
            ring.ranks.get(r).allReduceSum(bufs[r]);
            return null;
        });
        return System.nanoTime() - t0;
    }

    /** One plain TCP connection on 127.0.0.1 streaming {@code src} into {@code dst} (blocking channels). */
    private static long oneWayNanos(ByteBuffer src, ByteBuffer dst, ExecutorService pool) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            try (SocketChannel out = SocketChannel.open(server.getLocalAddress()); SocketChannel in = server.accept()) {
                long t0 = System.nanoTime();
                Future<?> writer = pool.submit(() -> writeAll(out, src.duplicate().clear()));
                readAll(in, dst.duplicate().clear());
                writer.get();
                return System.nanoTime() - t0;
            }
        }
    }

    private static Void writeAll(SocketChannel ch, ByteBuffer b) {
        try {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Void readAll(SocketChannel ch, ByteBuffer b) {
        try {
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    throw new IOException("closed early");
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** W plain TCP connections in a ring (rank r to r+1), each rank with a sender and a receiver thread. */
    private static final class RawRing implements AutoCloseable {
        private final List<SocketChannel> out = new ArrayList<>();
        private final List<SocketChannel> in = new ArrayList<>();
        private final ExecutorService pool;
        private ByteBuffer[] src = new ByteBuffer[0];
        private ByteBuffer[] dst = new ByteBuffer[0];

        private RawRing(ExecutorService pool) {
            this.pool = pool;
        }

        static RawRing connect(int w, ExecutorService pool) throws IOException {
            RawRing raw = new RawRing(pool);
            for (int r = 0; r < w; r++) {
                try (ServerSocketChannel server = ServerSocketChannel.open()) {
                    server.bind(new InetSocketAddress("127.0.0.1", 0));
                    raw.out.add(SocketChannel.open(server.getLocalAddress()));
                    raw.in.add(server.accept());
                }
            }
            return raw;
        }

        /** Every rank sends {@code bytes} to its right neighbour and receives as many; wall time of all. */
        long exchange(int bytes) throws Exception {
            int w = out.size();
            if (src.length == 0 || src[0].capacity() < bytes) {
                src = new ByteBuffer[w];
                dst = new ByteBuffer[w];
                for (int r = 0; r < w; r++) {
                    src[r] = ByteBuffer.allocateDirect(bytes);
                    dst[r] = ByteBuffer.allocateDirect(bytes);
                }
            }
            List<Callable<Void>> jobs = new ArrayList<>();
            for (int r = 0; r < w; r++) {
                SocketChannel o = out.get(r);
                SocketChannel i = in.get(r);
                ByteBuffer s = src[r].duplicate().clear().limit(bytes);
                ByteBuffer d = dst[r].duplicate().clear().limit(bytes);
                jobs.add(() -> writeAll(o, s));
                jobs.add(() -> readAll(i, d));
            }
            long t0 = System.nanoTime();
            for (Future<Void> f : pool.invokeAll(jobs)) {
                f.get();
            }
            return System.nanoTime() - t0;
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel ch : out) {
                ch.close();
            }
            for (SocketChannel ch : in) {
                ch.close();
            }
        }
    }
}
