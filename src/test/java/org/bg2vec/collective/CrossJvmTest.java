package org.bg2vec.collective;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ring whose middle rank runs in another JVM (the executor-per-JVM case). */
class CrossJvmTest {

    /** Same on every rank: all-reduce of (rank+1)·i, all-gather of {rank, 10·rank}, broadcast from rank 2. */
    static float[] workload(Collective c) {
        int n = 300_001;
        FloatBuffer buf = FloatBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            buf.put(i, (c.rank() + 1) * (float) (i % 97));
        }
        c.allReduceSum(buf);
        FloatBuffer gathered = FloatBuffer.allocate(2 * c.size());
        c.allGather(FloatBuffer.wrap(new float[] {c.rank(), 10f * c.rank()}), gathered);
        ByteBuffer b = ByteBuffer.allocate(8);
        if (c.rank() == 2) {
            b.putFloat(0, 3.25f).putFloat(4, -1f);
        }
        c.broadcast(b, 2);
        c.barrier();
        float checksum = 0;
        for (int i = 0; i < n; i++) {
            checksum += buf.get(i) == 6f * (i % 97) ? 0 : 1; // count of wrong elements for W = 3
        }
        float[] out = new float[1 + gathered.capacity() + 2];
        out[0] = checksum;
        gathered.get(0, out, 1, gathered.capacity());
        out[out.length - 2] = b.getFloat(0);
        out[out.length - 1] = b.getFloat(4);
        return out;
    }

    static String format(float[] values) {
        return Arrays.toString(values);
    }

    @Test
    void aRankInAnotherJvmJoinsTheRing() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RemoteRankMain.class.getName());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        try (LoopbackRing local = LoopbackRing.bind(3, Duration.ofSeconds(30))) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String portLine = out.readLine();
            assertTrue(portLine != null && portLine.startsWith("PORT "), "child said: " + portLine);
            int childPort = Integer.parseInt(portLine.substring(5).trim());
            // rank 1 lives in the child; ranks 0 and 2 here (local endpoint 1 is unused)
            List<PeerAddress> peers = List.of(new PeerAddress("127.0.0.1", local.port(0)),
                    new PeerAddress("127.0.0.1", childPort), new PeerAddress("127.0.0.1", local.port(2)));
            byte[] secret = PeerTable.newSecret();
            Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
            in.write("TABLE 1 " + childPort(peers) + " " + PeerTable.encodeSecret(secret) + "\n");
            in.flush();
            List<float[]> results = new ArrayList<>();
            List<java.util.concurrent.Future<float[]>> futures = new ArrayList<>();
            for (int r : new int[] {0, 2}) {
                PeerTable t = new PeerTable(r, peers, secret, Duration.ofSeconds(30), Duration.ofSeconds(30));
                futures.add(local.submit(() -> {
                    try (TcpCollective c = TcpCollective.connect(local.endpoints.get(r), t)) {
                        return workload(c);
                    }
                }));
            }
            for (var f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            String childResult = out.readLine();
            float[] expected = {0, 0, 0, 1, 10, 2, 20, 3.25f, -1f};
            assertEquals("RESULT " + format(expected), childResult);
            for (float[] r : results) {
                assertEquals(format(expected), format(r));
            }
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String childPort(List<PeerAddress> peers) {
        StringBuilder sb = new StringBuilder();
        for (PeerAddress p : peers) {
            sb.append(sb.length() == 0 ? "" : ",").append(p.port());
        }
        return sb.toString();
    }
}
