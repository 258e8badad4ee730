package org.bg2vec.collective;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * CPU collective: a ring over TCP between the ranks' {@link CollectiveEndpoint}s.
 *
 * <p>Each rank connects to its right neighbour (rank+1 mod W) and accepts one connection from its left
 * neighbour (rank-1 mod W); both are authenticated with the job secret ({@link Handshake}). With W = 2
 * both neighbours are the same peer, reached over two separate connections. All-reduce is a ring
 * reduce-scatter followed by a ring all-gather (each rank moves 2(W-1)/W of the buffer), all-gather and
 * broadcast are pipelined ring passes, barrier is W-1 empty ring steps. The steps of an operation overlap
 * (each forwards data chunk by chunk as it is reduced or received), and big operations are written by a
 * per-rank sender thread while the calling thread receives and reduces ({@link RingTransfer}). Floats travel little-endian;
 * direct little-endian buffers are sent and received in place (see {@link BufferViews}), others through
 * a staging copy. Results are bit-identical on all ranks.
 *
 * <p>Any failure (timeout, lost peer, protocol mismatch, {@link #abort(String)}) makes the collective
 * unusable: the neighbours are told (ABORT frames, then the connections close), so they fail at once
 * and pass it on, instead of waiting for their own timeouts. Operations are called by one thread at a
 * time; {@link #abort(String)} and {@link #close()} may come from any thread.
 */
public final class TcpCollective implements Collective {

    private static final Logger LOG = LoggerFactory.getLogger(TcpCollective.class);
    private static final int SCRATCH_BYTES = 1 << 20;

    private final PeerTable table;
    private final Acceptor acceptor;
    private final RingLink link;
    private final ReentrantLock opLock = new ReentrantLock();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer staging = ByteBuffer.allocateDirect(0);
    private ByteBuffer staging2 = ByteBuffer.allocateDirect(0);
    private boolean linkShutDown;
    private int seq;

    private TcpCollective(PeerTable table, Acceptor acceptor, SocketChannel right, SocketChannel left)
            throws IOException {
        this.table = table;
        this.acceptor = acceptor;
        int w = table.size();
        int r = table.rank();
        this.link = w == 1 ? null : new RingLink(right, table.describe((r + 1) % w), left,
                table.describe((r - 1 + w) % w), table::describe, table.operationTimeout().toNanos(), failure::get);
    }

    /**
     * Joins the ring: starts accepting on {@code endpoint} (which this collective now owns), connects to
     * the right neighbour and waits for the left one, all within {@link PeerTable#connectTimeout()}.
     *
     * @throws CollectiveException naming the neighbour that could not be reached or authenticated
     */
    public static TcpCollective connect(CollectiveEndpoint endpoint, PeerTable table) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(table, "table");
        if (!endpoint.isOpen()) {
            throw new IllegalArgumentException("endpoint " + endpoint.bindHost() + " is closed");
        }
        if (endpoint.port() != table.peer(table.rank()).port()) {
            throw new IllegalArgumentException("peer table lists rank " + table.rank() + " at "
                    + table.peer(table.rank()) + " but this endpoint listens on port " + endpoint.port());
        }
        int w = table.size();
        int r = table.rank();
        if (w == 1) {
            endpoint.close();
            try {
                return new TcpCollective(table, null, null, null);
            } catch (IOException e) {
                throw new CollectiveException("cannot create a size-1 collective", e);
            }
        }
        int leftRank = (r - 1 + w) % w;
        int rightRank = (r + 1) % w;
        long deadline = System.nanoTime() + table.connectTimeout().toNanos();
        Acceptor acceptor = new Acceptor(endpoint.channel(), table, leftRank);
        acceptor.start();
        SocketChannel right = null;
        SocketChannel left = null;
        try {
            right = connectRight(table, rightRank, deadline);
            left = acceptor.left().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            TcpCollective c = new TcpCollective(table, acceptor, right, left);
            LOG.debug("rank {}: ring connected ({} ranks)", r, w);
            return c;
        } catch (TimeoutException e) {
            closeAll(acceptor, right, left);
            throw new CollectiveException("rank " + r + ": no authenticated connection from "
                    + table.describe(leftRank) + " within the connect timeout of "
                    + table.connectTimeout().toMillis() + " ms; it did not start, cannot reach this host,"
                    + " or does not have this job's secret");
        } catch (ExecutionException e) {
            closeAll(acceptor, right, left);
            throw new CollectiveException("rank " + r + ": waiting for " + table.describe(leftRank) + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(acceptor, right, left);
            throw new CollectiveException("rank " + r + ": interrupted while connecting the ring", e);
        } catch (IOException | RuntimeException e) {
            closeAll(acceptor, right, left);
            if (e instanceof CollectiveException ce) {
                throw ce;
            }
            throw new CollectiveException("rank " + r + ": cannot set up the ring: " + e.getMessage(), e);
        }
    }

    /** Connects and authenticates to the right neighbour, retrying refused connections until the deadline. */
    private static SocketChannel connectRight(PeerTable table, int rightRank, long deadline) throws IOException {
        PeerAddress addr = table.peer(rightRank);
        String name = table.describe(rightRank);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            SocketChannel ch = SocketChannel.open();
            try {
                int waitMs = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                ch.socket().connect(new InetSocketAddress(addr.host(), addr.port()), waitMs);
                try (ChannelIo io = new ChannelIo(ch, name)) {
                    Handshake.client(io, table.secret(), table.size(), table.rank(), rightRank, name, deadline);
                }
                return ch;
            } catch (Handshake.RefusedException e) {
                ch.close();
                throw new CollectiveException("rank " + table.rank() + ": " + e.getMessage(), e);
            } catch (UnresolvedAddressException e) {
                ch.close();
                throw new CollectiveException("rank " + table.rank() + ": cannot resolve the host of " + name, e);
            } catch (IOException e) {
                ch.close();
                last = e;
                sleep(50);
            }
        }
        throw new CollectiveException("rank " + table.rank() + ": cannot connect to " + name + " within the connect"
                + " timeout of " + table.connectTimeout().toMillis() + " ms"
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    @Override
    public int rank() {
        return table.rank();
    }

    @Override
    public int size() {
        return table.size();
    }

    /** The peer table this collective was built from. */
    public PeerTable peerTable() {
        return table;
    }

    @Override
    public void allReduceSum(FloatBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("allReduceSum needs a writable buffer");
        }
        int n = buffer.remaining();
        checkBytes(4L * n, "allReduceSum buffer");
        run(OpKind.ALL_REDUCE_SUM, seqNo -> {
            ByteBuffer data = BufferViews.bytesOf(buffer);
            boolean staged = data == null;
            if (staged) {
                data = stage(buffer);
            }
            RingAlgorithms.allReduceSum(link, seqNo, rank(), size(), data, n, scratch);
            if (staged) {
                buffer.duplicate().put(data.asFloatBuffer());
            }
        });
    }

    @Override
    public void allGather(FloatBuffer send, FloatBuffer out) {
        Objects.requireNonNull(send, "send");
        Objects.requireNonNull(out, "out");
        if (out.isReadOnly()) {
            throw new IllegalArgumentException("allGather needs a writable output buffer");
        }
        long block = send.remaining();
        if (out.remaining() != block * size()) {
            throw new IllegalArgumentException("allGather output has " + out.remaining() + " floats, expected "
                    + size() + " ranks x " + block + " = " + block * size());
        }
        checkBytes(4L * out.remaining(), "allGather output");
        run(OpKind.ALL_GATHER, seqNo -> {
            ByteBuffer outBytes = BufferViews.bytesOf(out);
            boolean staged = outBytes == null;
            if (staged) {
                staging = grow(staging, 4 * out.remaining());
                outBytes = staging.slice(0, 4 * out.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            }
            FloatBuffer own = outBytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            own.position((int) (rank() * block)).limit((int) ((rank() + 1) * block));
            own.put(send.duplicate());
            RingAlgorithms.allGather(link, seqNo, rank(), size(), outBytes, (int) block);
            if (staged) {
                out.duplicate().put(outBytes.asFloatBuffer());
            }
        });
    }

    @Override
    public void broadcast(ByteBuffer buffer, int root) {
        Objects.requireNonNull(buffer, "buffer");
        if (root < 0 || root >= size()) {
            throw new IllegalArgumentException("broadcast root " + root + " is not in 0.." + (size() - 1));
        }
        if (rank() != root && buffer.isReadOnly()) {
            throw new IllegalArgumentException("broadcast needs a writable buffer on non-root ranks");
        }
        run(OpKind.BROADCAST, seqNo -> {
            boolean direct = buffer.isDirect() && !buffer.isReadOnly();
            ByteBuffer data;
            if (direct) {
                data = buffer.slice();
            } else {
                staging2 = grow(staging2, buffer.remaining());
                data = staging2.slice(0, buffer.remaining());
                data.put(buffer.duplicate()).clear();
            }
            RingAlgorithms.broadcast(link, seqNo, rank(), size(), data, root);
            if (!direct && rank() != root) {
                buffer.duplicate().put(data);
            }
        });
    }

    @Override
    public void barrier() {
        run(OpKind.BARRIER, seqNo -> RingAlgorithms.barrier(link, seqNo, size()));
    }

    /** Runs one operation under the op lock; any failure poisons the collective and tells the neighbours. */
    private void run(OpKind kind, SeqOp op) {
        opLock.lock();
        try {
            String failed = failure.get();
            if (failed != null) {
                throw new CollectiveException(kind.apiName() + " on rank " + rank() + ": collective unusable: " + failed);
            }
            int seqNo = seq++;
            if (size() == 1 && kind != OpKind.ALL_GATHER) {
                return;
            }
            try {
                op.run(seqNo);
            } catch (CollectiveException e) {
                String msg = "rank " + rank() + ": " + e.getMessage();
                shutDown(msg);
                throw new CollectiveException(msg, e);
            } catch (RuntimeException e) {
                String msg = "rank " + rank() + ": " + kind.apiName() + " #" + seqNo + " failed: " + e;
                shutDown(msg);
                throw new CollectiveException(msg, e);
            }
        } finally {
            opLock.unlock();
        }
    }

    @FunctionalInterface
    private interface SeqOp {
        void run(int seq);
    }

    /**
     * Fails every pending and future operation here and, through ABORT frames and closed connections,
     * on every other rank that is reachable. Safe from any thread; idempotent.
     */
    @Override
    public void abort(String reason) {
        String msg = "rank " + rank() + " aborted: " + reason;
        if (failure.compareAndSet(null, msg)) {
            LOG.warn("{}", msg);
        }
        if (link != null) {
            link.wakeup();
        }
        boolean locked = false;
        try {
            locked = opLock.tryLock(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // without the op lock an operation may be writing: then only close (peers see the connection end)
            shutDown(failure.get(), locked);
        } finally {
            if (locked) {
                opLock.unlock();
            }
        }
    }

    private void shutDown(String reason) {
        shutDown(reason, true);
    }

    /** Records {@code reason} (if first), notifies both neighbours once (if allowed) and closes everything. */
    private synchronized void shutDown(String reason, boolean notifyPeers) {
        failure.compareAndSet(null, reason);
        if (linkShutDown) {
            return;
        }
        linkShutDown = true;
        if (link != null) {
            if (notifyPeers) {
                link.sendAbort(rank(), failure.get(), 500);
            }
            link.close();
        }
        if (acceptor != null) {
            acceptor.close();
        }
    }

    /** Releases the port and connections; later operations fail. Peers still waiting on this rank fail fast. */
    @Override
    public void close() {
        boolean locked = false;
        try {
            locked = opLock.tryLock(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            synchronized (this) {
                failure.compareAndSet(null, "closed");
                if (!linkShutDown) {
                    linkShutDown = true;
                    if (link != null) {
                        link.close();
                    }
                    if (acceptor != null) {
                        acceptor.close();
                    }
                }
            }
        } finally {
            if (locked) {
                opLock.unlock();
            }
        }
    }

    private ByteBuffer stage(FloatBuffer buffer) {
        int bytes = 4 * buffer.remaining();
        staging = grow(staging, bytes);
        ByteBuffer data = staging.slice(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(buffer.duplicate());
        return data;
    }

    private static ByteBuffer grow(ByteBuffer buf, int bytes) {
        return buf.capacity() >= bytes ? buf : ByteBuffer.allocateDirect(Math.max(bytes, buf.capacity() * 2));
    }

    private static void checkBytes(long bytes, String what) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " has " + bytes + " bytes; the CPU collective handles up to"
                    + " 2 GiB per call: split it");
        }
    }

    private static void closeAll(Acceptor acceptor, SocketChannel right, SocketChannel left) {
        acceptor.close();
        for (SocketChannel ch : new SocketChannel[] {right, left}) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // failing anyway
                }
            }
        }
        acceptor.left().thenAccept(ch -> {
            try {
                ch.close();
            } catch (IOException ignored) {
                // failing anyway
            }
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("interrupted while connecting", e);
        }
    }
}
