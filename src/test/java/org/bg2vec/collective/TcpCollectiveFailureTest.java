package org.bg2vec.collective;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Timeouts, lost peers, abort propagation and protocol mismatches: fail fast, name the peer, never hang. */
class TcpCollectiveFailureTest {

    /** Runs an all-reduce on {@code rank}; returns the exception and the seconds it took to fail. */
    private static Future<Failure> failingAllReduce(LoopbackRing ring, int rank, int n) {
        return ring.submit(() -> {
            long t0 = System.nanoTime();
            try {
                ring.ranks.get(rank).allReduceSum(FloatBuffer.allocate(n));
            } catch (CollectiveException e) {
                return new Failure(e, (System.nanoTime() - t0) / 1e9);
            }
            return new Failure(null, (System.nanoTime() - t0) / 1e9);
        });
    }

    record Failure(CollectiveException error, double seconds) {
        String message() {
            if (error == null) {
                fail("the operation succeeded but should have failed");
            }
            return error.getMessage();
        }
    }

    @Test
    void aStalledPeerIsNamedInTheTimeoutWithinTheBound() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, Duration.ofMillis(1500))) {
            Failure f0 = failingAllReduce(ring, 0, 1000).get(60, TimeUnit.SECONDS);
            // rank 1 never calls allReduceSum
            String stalled = "rank 1 (127.0.0.1:" + ring.port(1) + ")";
            assertTrue(f0.message().contains("timed out") && f0.message().contains(stalled), f0.message());
            assertTrue(f0.seconds() < 20, f0.seconds() + " s");
            CollectiveException late = assertThrows(CollectiveException.class,
                    () -> ring.ranks.get(1).allReduceSum(FloatBuffer.allocate(1000)));
            assertTrue(late.getMessage().contains("rank 0"), late.getMessage());
        }
    }

    /**
     * With three ranks, rank 0 waits on the stalled rank 2 directly and rank 1 waits on rank 0; whichever
     * times out first aborts the other, so each message names a peer, but which one depends on timing.
     */
    @Test
    void aStalledRankMakesTheOthersTimeOutNamingAPeerWithinTheBound() throws Exception {
        Duration timeout = Duration.ofMillis(1500);
        try (LoopbackRing ring = LoopbackRing.connect(3, timeout)) {
            Future<Failure> r0 = failingAllReduce(ring, 0, 1000);
            Future<Failure> r1 = failingAllReduce(ring, 1, 1000);
            // rank 2 never calls allReduceSum
            Failure f0 = r0.get(60, TimeUnit.SECONDS);
            Failure f1 = r1.get(60, TimeUnit.SECONDS);
            assertTrue(f0.message().matches("(?s).*rank [12] \\(127\\.0\\.0\\.1:\\d+\\).*"), f0.message());
            assertTrue(f1.message().matches("(?s).*rank [02] \\(127\\.0\\.0\\.1:\\d+\\).*"), f1.message());
            assertTrue((f0.message() + f1.message()).contains("timed out"), f0.message() + " / " + f1.message());
            // generous bound: the configured timeout plus slack for a loaded 2-core machine
            assertTrue(f0.seconds() < 20 && f1.seconds() < 20, f0.seconds() + " s / " + f1.seconds() + " s");
            // the stalled rank learns about it at its next call instead of waiting
            CollectiveException late = assertThrows(CollectiveException.class,
                    () -> ring.ranks.get(2).allReduceSum(FloatBuffer.allocate(1000)));
            assertTrue(late.getMessage().contains("rank"), late.getMessage());
        }
    }

    @Test
    void aClosedRankMakesTheOthersFailLongBeforeTheTimeout() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(3, Duration.ofSeconds(120))) {
            ring.ranks.get(2).close();
            Failure f0 = failingAllReduce(ring, 0, 100_000).get(100, TimeUnit.SECONDS);
            Failure f1 = failingAllReduce(ring, 1, 100_000).get(100, TimeUnit.SECONDS);
            assertTrue(f0.message().contains("rank 2 (127.0.0.1:" + ring.port(2) + ")"), f0.message());
            assertTrue(f1.message().matches("(?s).*rank [02] \\(127\\.0\\.0\\.1:\\d+\\).*"), f1.message());
            assertTrue(f0.seconds() < 60 && f1.seconds() < 60, "fail fast, not after the 120 s timeout");
        }
    }

    @Test
    void abortOnOneRankPropagatesToAllOthers() throws Exception {
        int w = 4;
        try (LoopbackRing ring = LoopbackRing.connect(w, Duration.ofSeconds(120))) {
            List<Future<Failure>> others = new ArrayList<>();
            for (int r = 0; r < w - 1; r++) {
                others.add(failingAllReduce(ring, r, 50_000));
            }
            Thread.sleep(200);
            ring.ranks.get(w - 1).abort("injected fault 42");
            for (int r = 0; r < w - 1; r++) {
                Failure f = others.get(r).get(100, TimeUnit.SECONDS);
                assertTrue(f.message().contains("injected fault 42"), "rank " + r + ": " + f.message());
                assertTrue(f.seconds() < 60, "rank " + r + " failed after " + f.seconds() + " s, not fast");
            }
            CollectiveException after = assertThrows(CollectiveException.class, () -> ring.ranks.get(w - 1).barrier());
            assertTrue(after.getMessage().contains("injected fault 42"), after.getMessage());
        }
    }

    @Test
    void abortFromAnotherThreadEndsAPendingOperation() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, Duration.ofSeconds(120))) {
            CountDownLatch started = new CountDownLatch(1);
            Future<Failure> pending = ring.submit(() -> {
                started.countDown();
                long t0 = System.nanoTime();
                try {
                    ring.ranks.get(0).barrier();
                    return new Failure(null, 0);
                } catch (CollectiveException e) {
                    return new Failure(e, (System.nanoTime() - t0) / 1e9);
                }
            });
            started.await();
            Thread.sleep(200);
            ring.ranks.get(0).abort("task killed");
            Failure f = pending.get(100, TimeUnit.SECONDS);
            assertTrue(f.message().contains("task killed"), f.message());
            assertTrue(f.seconds() < 60, "abort took " + f.seconds() + " s");
            // rank 0 had entered that barrier, so the peer's first barrier may legitimately complete;
            // its next operation must fail with the abort reason
            CollectiveException peer = assertThrows(CollectiveException.class, () -> {
                ring.ranks.get(1).barrier();
                ring.ranks.get(1).barrier();
            });
            assertTrue(peer.getMessage().contains("task killed"), peer.getMessage());
        }
    }

    @Test
    void interruptingAWaitingRankEndsItsOperationAndTellsThePeer() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, Duration.ofSeconds(120))) {
            Thread[] worker = new Thread[1];
            CountDownLatch started = new CountDownLatch(1);
            Future<Failure> pending = ring.submit(() -> {
                worker[0] = Thread.currentThread();
                started.countDown();
                long t0 = System.nanoTime();
                try {
                    ring.ranks.get(0).allReduceSum(FloatBuffer.allocate(1000));
                    return new Failure(null, 0);
                } catch (CollectiveException e) {
                    return new Failure(e, (System.nanoTime() - t0) / 1e9);
                } finally {
                    Thread.interrupted(); // clear it: the pool thread is reused
                }
            });
            started.await();
            Thread.sleep(200);
            worker[0].interrupt();
            Failure f = pending.get(100, TimeUnit.SECONDS);
            assertTrue(f.message().contains("interrupted"), f.message());
            assertTrue(f.seconds() < 60, "interrupt took " + f.seconds() + " s");
            CollectiveException peer = assertThrows(CollectiveException.class,
                    () -> ring.ranks.get(1).allReduceSum(FloatBuffer.allocate(1000)));
            assertTrue(peer.getMessage().contains("rank 0"), peer.getMessage());
        }
    }

    @Test
    void timedCollectiveCountsCallsAndTime() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, Duration.ofSeconds(60))) {
            List<long[]> stats = ring.runAll(r -> {
                TimedCollective timed = new TimedCollective(ring.ranks.get(r));
                timed.barrier();
                timed.allReduceSum(FloatBuffer.allocate(10));
                return new long[] {timed.calls(), timed.nanosInCollectives()};
            });
            assertEquals(2, stats.get(0)[0]);
            assertEquals(2, stats.get(1)[0]);
            assertTrue(stats.get(0)[1] > 0 && stats.get(1)[1] > 0);
        }
    }

    @Test
    void mismatchedOperationsFailWithAClearMessageOnBothRanks() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, Duration.ofSeconds(60))) {
            Future<String> r0 = ring.submit(() -> messageOf(() -> ring.ranks.get(0).allReduceSum(FloatBuffer.allocate(10))));
            Future<String> r1 = ring.submit(() -> messageOf(
                    () -> ring.ranks.get(1).allGather(FloatBuffer.allocate(5), FloatBuffer.allocate(10))));
            String m0 = r0.get(100, TimeUnit.SECONDS);
            String m1 = r1.get(100, TimeUnit.SECONDS);
            assertTrue(m0.contains("out of step") || m0.contains("aborted by rank 1"), m0);
            assertTrue(m1.contains("out of step") || m1.contains("aborted by rank 0"), m1);
            assertTrue((m0 + m1).contains("allGather"), m0 + " / " + m1);
        }
    }

    @Test
    void differentBufferSizesAreDetected() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, Duration.ofSeconds(60))) {
            Future<String> r0 = ring.submit(() -> messageOf(() -> ring.ranks.get(0).allReduceSum(FloatBuffer.allocate(10))));
            Future<String> r1 = ring.submit(() -> messageOf(() -> ring.ranks.get(1).allReduceSum(FloatBuffer.allocate(12))));
            String both = r0.get(100, TimeUnit.SECONDS) + " / " + r1.get(100, TimeUnit.SECONDS);
            assertTrue(both.contains("out of step") && both.contains("bytes"), both);
        }
    }

    @Test
    void invalidArgumentsAreRejectedBeforeAnyCommunication() throws Exception {
        try (LoopbackRing ring = LoopbackRing.connect(2, Duration.ofSeconds(60))) {
            TcpCollective c = ring.ranks.get(0);
            assertThrows(IllegalArgumentException.class, () -> c.allGather(FloatBuffer.allocate(3), FloatBuffer.allocate(5)));
            assertThrows(IllegalArgumentException.class, () -> c.broadcast(java.nio.ByteBuffer.allocate(1), 2));
            assertThrows(IllegalArgumentException.class, () -> c.allReduceSum(FloatBuffer.allocate(1).asReadOnlyBuffer()));
            // still usable afterwards
            List<float[]> sums = ring.runAll(r -> {
                FloatBuffer b = FloatBuffer.wrap(new float[] {r + 1f});
                ring.ranks.get(r).allReduceSum(b);
                return b.array();
            });
            assertEquals(3f, sums.get(0)[0]);
            assertEquals(3f, sums.get(1)[0]);
        }
    }

    private static String messageOf(Runnable op) {
        try {
            op.run();
        } catch (CollectiveException e) {
            return e.getMessage();
        }
        fail("expected a CollectiveException");
        return null;
    }

}
