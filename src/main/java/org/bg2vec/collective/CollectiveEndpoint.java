package org.bg2vec.collective;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * The listening socket of one rank, bound <em>before</em> the rendezvous so that the real port (port 0
 * picks a free one) can be announced to the other ranks. Nothing is accepted until
 * {@link TcpCollective#connect(CollectiveEndpoint, PeerTable)} hands it the job secret; connections
 * that arrive earlier wait in the kernel's backlog. Closing it releases the port.
 */
public final class CollectiveEndpoint implements AutoCloseable {

    private final String bindHost;
    private final ServerSocketChannel server;

    private CollectiveEndpoint(String bindHost, ServerSocketChannel server) {
        this.bindHost = bindHost;
        this.server = server;
    }

    /**
     * Binds {@code bindHost:port}; {@code port} 0 picks a free port. Use the address peers reach this
     * host by (or {@code 0.0.0.0} for all interfaces, then announce the host's address separately).
     */
    public static CollectiveEndpoint bind(String bindHost, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open();
            ch.bind(new InetSocketAddress(bindHost, port), 64);
            return new CollectiveEndpoint(bindHost, ch);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new CollectiveException("cannot listen on " + bindHost + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The host this endpoint was bound to. */
    public String bindHost() {
        return bindHost;
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new CollectiveException("endpoint " + bindHost + " is closed", e);
        }
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return server.isOpen();
    }

    ServerSocketChannel channel() {
        return server;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new CollectiveException("cannot close endpoint " + bindHost + ": " + e.getMessage(), e);
        }
    }
}
