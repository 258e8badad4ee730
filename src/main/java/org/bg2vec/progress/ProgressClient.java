package org.bg2vec.progress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Worker side of the progress channel: sends lines to a {@link ProgressRelay}. Progress is
 * best-effort: if the driver cannot be reached the lines still go to the local log, and training
 * never fails because of this channel.
 */
public final class ProgressClient implements Consumer<String>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressClient.class);

    private final Socket socket;
    private final OutputStream out;

    private ProgressClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Connects and authenticates; returns a client that only logs locally when the relay is unreachable. */
    public static Consumer<String> connect(String host, int port, String token) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 5_000);
            ProgressClient c = new ProgressClient(s);
            c.write(token);
            return c;
        } catch (IOException e) {
            LOG.warn("cannot reach the driver's progress relay at {}:{} ({}); progress stays in the executor log",
                    host, port, e.toString());
            return line -> { };
        }
    }

    @Override
    public synchronized void accept(String line) {
        try {
            write(line.replace('\n', ' '));
        } catch (IOException e) {
            LOG.debug("progress line not delivered: {}", e.toString());
        }
    }

    private void write(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
