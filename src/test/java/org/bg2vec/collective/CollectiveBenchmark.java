package org.bg2vec.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * All-reduce bus bandwidth of {@link TcpCollective} on loopback, next to a plain memcpy bandwidth
 * measured in the same run. Not a test; run it by hand (see src/site/markdown/benchmarks-collective.md):
 *
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-cp.txt
 * java -Xmx4g --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -cp target/test-classes:target/classes:$(cat target/test-cp.txt) \
 *     org.bg2vec.collective.CollectiveBenchmark [workers=2] [maxMB=256]
 * </pre>
 *
 * algbw = bytes / time per call; busbw = algbw × 2(W−1)/W (the bytes each rank actually sends and
 * receives, comparable across W, as in nccl-tests). Workers are threads of this JVM, each with its own
 * sockets, direct little-endian buffers (zero-copy path) and ring position.
 */
public final class CollectiveBenchmark {

    private CollectiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int w = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int maxMb = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        System.out.printf(Locale.ROOT, "workers=%d, cores=%d, java=%s%n", w, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.println("| size | memcpy GB/s | raw loopback TCP GB/s | all-reduce time (ms) | algbw GB/s | busbw GB/s |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
        try (LoopbackRing ring = LoopbackRing.connect(w, Duration.ofSeconds(300))) {
            for (int mb = 1; mb <= maxMb; mb *= 4) {
                long bytes = (long) mb << 20;
                int floats = (int) (bytes / 4);
                double memcpy = memcpyGbps((int) bytes);
                double tcp = loopbackTcpGbps((int) bytes);
                int reps = Math.max(3, 64 / mb);
                FloatBuffer[] bufs = new FloatBuffer[w];
                for (int r = 0; r < w; r++) {
                    bufs[r] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                    for (int i = 0; i < floats; i += 1024) {
                        bufs[r].put(i, 1f);
                    }
                }
                ring.runAll(r -> {
                    ring.ranks.get(r).allReduceSum(bufs[r]); // warm-up
                    return null;
                });
                List<Long> nanos = ring.runAll(r -> {
                    ring.ranks.get(r).barrier();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) {
                        ring.ranks.get(r).allReduceSum(bufs[r]);
                    }
                    return (System.nanoTime() - t0) / reps;
                });
                long worst = nanos.stream().mapToLong(Long::longValue).max().orElseThrow();
                double algbw = bytes / (double) worst;
                double busbw = algbw * 2 * (w - 1) / w;
                System.out.printf(Locale.ROOT, "| %d MB | %.2f | %.2f | %.1f | %.2f | %.2f |%n", mb, memcpy, tcp,
                        worst / 1e6, algbw, busbw);
                for (FloatBuffer b : bufs) {
                    release(b);
                }
            }
        }
    }

    /** Direct-to-direct ByteBuffer copy of {@code bytes}, best of a few runs, in GB/s (1e9 bytes). */
    static double memcpyGbps(int bytes) {
        ByteBuffer src = ByteBuffer.allocateDirect(bytes);
        ByteBuffer dst = ByteBuffer.allocateDirect(bytes);
        for (int i = 0; i < bytes; i += 4096) {
            src.put(i, (byte) i);
            dst.put(i, (byte) 0);
        }
        long best = Long.MAX_VALUE;
        int reps = Math.max(3, (256 << 20) / bytes);
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            dst.clear();
            dst.put(src.duplicate().clear());
            best = Math.min(best, System.nanoTime() - t0);
        }
        return bytes / (double) best;
    }

    /** One direction of one plain TCP connection on 127.0.0.1 (blocking channels), best of 3, in GB/s. */
    static double loopbackTcpGbps(int bytes) throws Exception {
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()) {
            server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            try (java.nio.channels.SocketChannel out = java.nio.channels.SocketChannel.open(server.getLocalAddress());
                 java.nio.channels.SocketChannel in = server.accept()) {
                ByteBuffer src = ByteBuffer.allocateDirect(bytes);
                ByteBuffer dst = ByteBuffer.allocateDirect(bytes);
                long best = Long.MAX_VALUE;
                for (int rep = 0; rep < 3; rep++) {
                    Thread writer = new Thread(() -> {
                        try {
                            ByteBuffer b = src.duplicate().clear();
                            while (b.hasRemaining()) {
                                out.write(b);
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    long t0 = System.nanoTime();
                    writer.start();
                    dst.clear();
                    while (dst.hasRemaining()) {
                        in.read(dst);
                    }
                    writer.join();
                    best = Math.min(best, System.nanoTime() - t0);
                }
                return bytes / (double) best;
            }
        }
    }

    private static void release(FloatBuffer b) {
        // direct buffers are freed by GC; nudge it between sizes so 256 MB runs fit in a small heap
        System.gc();
    }
}
