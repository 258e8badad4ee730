package org.bg2vec.progress;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strangers on the relay's port (before they show the token) cannot exhaust memory or threads. */
class ProgressRelayHardeningTest {

    private static final long FLOOD_BYTES = 300L << 20;

    /** Writes up to {@code total} bytes of 'a' (no newline); returns how many went out before the relay cut it off. */
    private static long streamWithoutNewline(int port, long total) throws IOException {
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'a');
        long sent = 0;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = s.getOutputStream();
            while (sent < total) {
                out.write(chunk);
                sent += chunk.length;
            }
        } catch (IOException cutOff) {
            return sent;
        }
        return sent;
    }

    @Test
    void aClientStreaming300MbWithoutANewlineIsCutOffAndASmallHeapRelayLivesOn() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Path stderr = Files.createTempFile("relay-child", ".err");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), ProgressRelayMain.class.getName(), "tok-7");
        pb.redirectError(stderr.toFile());
        Process child = pb.start();
        long pid = child.pid();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            pool.submit(() -> pump(child.getInputStream(), lines));
            String portLine = lines.poll(60, TimeUnit.SECONDS);
            assertTrue(portLine != null && portLine.startsWith("PORT "), "child said: " + portLine);
            int port = Integer.parseInt(portLine.substring(5).trim());

            Future<Long> flood = pool.submit(() -> streamWithoutNewline(port, FLOOD_BYTES));
            long sent = flood.get(300, TimeUnit.SECONDS);
            assertTrue(sent < FLOOD_BYTES, "the relay must cut the stream off, it took all " + sent + " bytes");
            assertTrue(child.isAlive(), "the relay JVM died: " + Files.readString(stderr));

            Consumer<String> good = ProgressClient.connect("127.0.0.1", port, "tok-7");
            good.accept("step 5/10 after the flood");
            ((AutoCloseable) good).close();
            assertEquals("LINE step 5/10 after the flood", lines.poll(60, TimeUnit.SECONDS));
            assertTrue(child.isAlive(), "the relay JVM died: " + Files.readString(stderr));
            assertFalse(Files.readString(stderr).contains("OutOfMemoryError"), Files.readString(stderr));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            child.waitFor(30, TimeUnit.SECONDS);
            pool.shutdownNow();
            Files.deleteIfExists(stderr);
        }
    }

    private static Void pump(InputStream in, BlockingQueue<String> lines) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            lines.add(line);
        }
        return null;
    }

    private static int threadCount() {
        return Thread.getAllStackTraces().size();
    }

    @Test
    void fiveHundredIdleConnectionsStartNoThreadsAndTheRealClientStillGetsThrough() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        List<Socket> idle = new ArrayList<>();
        try (ProgressRelay relay = new ProgressRelay("127.0.0.1", "tok-500", got::add)) {
            int before = threadCount();
            for (int i = 0; i < 500; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5_000);
                idle.add(s);
            }
            Consumer<String> good = ProgressClient.connect("127.0.0.1", relay.port(), "tok-500");
            good.accept("step 1/2");
            ProgressRelayTest.awaitSize(got, 1);
            int during = threadCount();
            assertEquals(List.of("step 1/2"), got);
            assertTrue(during - before < 20, "500 idle connections started " + (during - before) + " threads");
            ((AutoCloseable) good).close();
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    @Test
    void aClientTricklingBytesWithoutTheTokenIsDroppedAtTheOverallDeadline() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (ProgressRelay relay = new ProgressRelay("127.0.0.1", "tok", got::add, Duration.ofSeconds(1));
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5_000);
            OutputStream out = s.getOutputStream();
            boolean cutOff = false;
            // one byte every 100 ms for up to 60 s: each read gets data, so only an overall deadline ends it
            for (int i = 0; i < 600 && !cutOff; i++) {
                try {
                    out.write('x');
                    out.flush();
                    Thread.sleep(100);
                } catch (IOException e) {
                    cutOff = true;
                }
            }
            assertTrue(cutOff, "a client that never finishes its token line must be dropped");
            assertTrue(got.isEmpty(), got.toString());
        }
    }

    @Test
    void closeEndsAuthenticatedClientConnectionsAndTheRelayThread() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        ProgressRelay relay = new ProgressRelay("127.0.0.1", "tok-c", got::add);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5_000);
            s.getOutputStream().write("tok-c\nfirst\n".getBytes(StandardCharsets.UTF_8));
            ProgressRelayTest.awaitSize(got, 1);
            assertEquals(List.of("first"), got);
            relay.close();
            s.setSoTimeout(30_000);
            int r;
            try {
                r = s.getInputStream().read();
            } catch (IOException reset) {
                r = -1;
            }
            assertEquals(-1, r, "the relay must close client connections when it closes");
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(
                    t -> t.getName().startsWith("bg2vec-progress") && t.isAlive()), "relay threads left running");
        } finally {
            relay.close();
        }
    }

    @Test
    void anOverlongLineIsCutAndTheNextLineArrivesIntact() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (ProgressRelay relay = new ProgressRelay("127.0.0.1", "tok-l", got::add);
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5_000);
            OutputStream out = s.getOutputStream();
            byte[] longLine = new byte[3 * ProgressRelay.MAX_LINE];
            Arrays.fill(longLine, (byte) 'z');
            out.write("tok-l\n".getBytes(StandardCharsets.UTF_8));
            out.write(longLine);
            out.write("\nnext\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            ProgressRelayTest.awaitSize(got, 2);
            assertEquals(2, got.size(), "lines: " + got.size());
            assertEquals("z".repeat(ProgressRelay.MAX_LINE), got.get(0));
            assertEquals("next", got.get(1));
        }
    }
}
