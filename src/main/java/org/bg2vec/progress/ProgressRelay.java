package org.bg2vec.progress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * Driver side of the progress channel: workers (rank 0) send their per-step lines here so that they
 * appear in the driver log on a cluster too, where executor logs stay on the executors. A client
 * must open with the relay's token (a per-job random string travelling inside the Spark closure);
 * others are dropped and logged.
 */
public final class ProgressRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressRelay.class);
    static final int MAX_LINE = 64 * 1024;

    private final ServerSocket server;
    private final String token;
    private final Consumer<String> sink;
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param bindHost address the workers can reach (the driver host); null = all interfaces
     * @param token    per-job secret clients must present
     * @param sink     receives every line (called from relay threads)
     */
    public ProgressRelay(String bindHost, String token, Consumer<String> sink) throws IOException {
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(bindHost == null ? null : InetAddress.getByName(bindHost), 0), 16);
        this.token = token;
        this.sink = sink;
        this.acceptor = new Thread(this::acceptLoop, "bg2vec-progress-relay");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "bg2vec-progress-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("progress relay accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            s.setSoTimeout(10_000);
            String first = in.readLine();
            if (first == null || !MessageDigest.isEqual(first.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8))) {
                LOG.warn("progress relay: refused a connection from {} without the job token", s.getRemoteSocketAddress());
                return;
            }
            s.setSoTimeout(0);
            for (String line; (line = in.readLine()) != null; ) {
                sink.accept(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
            }
        } catch (SocketTimeoutException e) {
            LOG.warn("progress relay: {} sent no token in time", s.getRemoteSocketAddress());
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("progress relay client ended: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
