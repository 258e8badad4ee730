package org.bg2vec.progress;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressRelayTest {

    static void awaitSize(List<String> l, int n) throws InterruptedException {
        for (int i = 0; i < 500 && l.size() < n; i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void linesFromAnAuthenticatedClientReachTheSinkInOrder() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (ProgressRelay relay = new ProgressRelay("127.0.0.1", "tok-123", got::add)) {
            Consumer<String> c = ProgressClient.connect("127.0.0.1", relay.port(), "tok-123");
            c.accept("step 1/10 loss 2.5");
            c.accept("step 2/10\nloss 2.4");
            ((AutoCloseable) c).close();
            awaitSize(got, 2);
            assertEquals(List.of("step 1/10 loss 2.5", "step 2/10 loss 2.4"), got);
        }
    }

    @Test
    void aClientWithoutTheTokenIsDropped() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (ProgressRelay relay = new ProgressRelay("127.0.0.1", "right", got::add)) {
            try (Socket s = new Socket("127.0.0.1", relay.port())) {
                OutputStream o = s.getOutputStream();
                o.write("wrong\nforged line\n".getBytes(StandardCharsets.UTF_8));
                o.flush();
            }
            Consumer<String> good = ProgressClient.connect("127.0.0.1", relay.port(), "right");
            good.accept("real line");
            ((AutoCloseable) good).close();
            awaitSize(got, 1);
            Thread.sleep(100);
            assertEquals(List.of("real line"), got);
        }
    }

    @Test
    void anUnreachableRelayNeverFailsTheWorker() {
        Consumer<String> c = ProgressClient.connect("127.0.0.1", 1, "t");
        c.accept("still fine");
    }
}
