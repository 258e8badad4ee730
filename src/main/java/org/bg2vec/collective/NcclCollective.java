package org.bg2vec.collective;

import org.bytedeco.cuda.nccl.ncclComm;
import org.bytedeco.cuda.nccl.ncclConfig_t;
import org.bytedeco.cuda.nccl.ncclUniqueId;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.bytedeco.cuda.global.cudart.cudaErrorNotReady;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamQuery;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;
import static org.bytedeco.cuda.global.nccl.NCCL_VERSION_CODE;
import static org.bytedeco.cuda.global.nccl.ncclAllGather;
import static org.bytedeco.cuda.global.nccl.ncclAllReduce;
import static org.bytedeco.cuda.global.nccl.ncclBroadcast;
import static org.bytedeco.cuda.global.nccl.ncclChar;
import static org.bytedeco.cuda.global.nccl.ncclCommAbort;
import static org.bytedeco.cuda.global.nccl.ncclCommDestroy;
import static org.bytedeco.cuda.global.nccl.ncclCommFinalize;
import static org.bytedeco.cuda.global.nccl.ncclCommGetAsyncError;
import static org.bytedeco.cuda.global.nccl.ncclCommInitRankConfig;
import static org.bytedeco.cuda.global.nccl.ncclFloat;
import static org.bytedeco.cuda.global.nccl.ncclGetErrorString;
import static org.bytedeco.cuda.global.nccl.ncclGetUniqueId;
import static org.bytedeco.cuda.global.nccl.ncclInProgress;
import static org.bytedeco.cuda.global.nccl.ncclSuccess;
import static org.bytedeco.cuda.global.nccl.ncclSum;

/**
 * GPU collective: one NCCL communicator per rank, created non-blocking so that every wait (init,
 * enqueue, completion) is a polling loop with a deadline; on timeout, failure or {@link #abort(String)}
 * the communicator is aborted with {@code ncclCommAbort}, never left hanging.
 *
 * <p>Operations run on the CUDA legacy default stream of {@link #cudaDevice()}, the stream DJL's
 * PyTorch kernels use, so they are ordered after the kernels that produced the data; each call returns
 * after the stream completed. Device operations take buffers from {@link PyTorchTensors#dataBuffer};
 * the host ({@link FloatBuffer}) operations stage through a device scratch buffer. NCCL cannot tell which
 * peer is missing: a timeout names this rank and the operation, and the other ranks' logs tell the rest.
 * Requires {@code libnccl.so.2} and {@code libcudart.so.12} on the host (see {@link NcclLibrary}).
 */
public final class NcclCollective implements DeviceCollective {

    private static final Logger LOG = LoggerFactory.getLogger(NcclCollective.class);
    private static final int CONFIG_UNDEF_INT = Integer.MIN_VALUE;

    private final int rank;
    private final int size;
    private final int device;
    private final long timeoutNanos;
    private final ncclComm comm;
    private final ReentrantLock opLock = new ReentrantLock();
    private volatile String failure;
    private boolean destroyed;
    private Pointer scratch;
    private long scratchBytes;
    private ByteBuffer hostStaging = ByteBuffer.allocateDirect(0);

    private NcclCollective(int rank, int size, int device, long timeoutNanos, ncclComm comm) {
        this.rank = rank;
        this.size = size;
        this.device = device;
        this.timeoutNanos = timeoutNanos;
        this.comm = comm;
    }

    /** True when the NCCL and CUDA runtime libraries load in this JVM. */
    public static boolean isAvailable() {
        return NcclLibrary.isAvailable();
    }

    /** A fresh unique id (rank 0 only; share it through the rendezvous). */
    public static NcclUniqueId newUniqueId() {
        NcclLibrary.ensureLoaded();
        ncclUniqueId id = new ncclUniqueId();
        int rc = ncclGetUniqueId(id);
        if (rc != ncclSuccess) {
            throw new CollectiveException("ncclGetUniqueId failed: " + ncclError(rc));
        }
        byte[] bytes = new byte[NcclUniqueId.BYTES];
        id.internal().get(bytes);
        return new NcclUniqueId(bytes);
    }

    /**
     * Joins the communicator of {@code size} ranks identified by {@code id}, on CUDA device {@code device}.
     * Every rank must call it within {@code timeout} of each other.
     */
    public static NcclCollective init(int rank, int size, NcclUniqueId id, int device, Duration timeout) {
        validateInit(rank, size, id, device, timeout);
        NcclLibrary.ensureLoaded();
        check(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        ncclUniqueId nativeId = new ncclUniqueId();
        nativeId.internal().put(id.bytes());
        ncclComm comm = new ncclComm();
        long deadline = System.nanoTime() + timeout.toNanos();
        int rc = ncclCommInitRankConfig(comm, size, nativeId, rank, nonBlockingConfig());
        if (rc != ncclSuccess && rc != ncclInProgress) {
            throw new CollectiveException("ncclCommInitRankConfig (rank " + rank + " of " + size + ", device "
                    + device + ") failed: " + ncclError(rc));
        }
        NcclCollective c = new NcclCollective(rank, size, device, timeout.toNanos(), comm);
        c.awaitComm("ncclCommInitRank (rank " + rank + " of " + size + ")", deadline);
        LOG.info("rank {}: NCCL communicator of {} ranks ready on cuda:{}", rank, size, device);
        return c;
    }

    static void validateInit(int rank, int size, NcclUniqueId id, int device, Duration timeout) {
        Objects.requireNonNull(id, "NCCL unique id");
        Objects.requireNonNull(timeout, "timeout");
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " is not in 0.." + (size - 1));
        }
        if (device < 0) {
            throw new IllegalArgumentException("CUDA device ordinal must be >= 0, got " + device);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("NCCL timeout must be positive, got " + timeout);
        }
    }

    /** NCCL_CONFIG_INITIALIZER with blocking = 0. */
    private static ncclConfig_t nonBlockingConfig() {
        ncclConfig_t c = new ncclConfig_t();
        c.size(Loader.sizeof(ncclConfig_t.class)).magic(0xcafebeef).version(NCCL_VERSION_CODE).blocking(0)
                .cgaClusterSize(CONFIG_UNDEF_INT).minCTAs(CONFIG_UNDEF_INT).maxCTAs(CONFIG_UNDEF_INT)
                .netName((BytePointer) null).splitShare(CONFIG_UNDEF_INT).trafficClass(CONFIG_UNDEF_INT)
                .commName((BytePointer) null).collnetEnable(CONFIG_UNDEF_INT).CTAPolicy(CONFIG_UNDEF_INT)
                .shrinkShare(CONFIG_UNDEF_INT).nvlsCTAs(CONFIG_UNDEF_INT);
        return c;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int cudaDevice() {
        return device;
    }

    @Override
    public void allReduceSumDevice(ByteBuffer deviceData) {
        long count = floatCount(deviceData, "allReduceSum");
        Pointer p = new Pointer(deviceData);
        run("ncclAllReduce(" + count + " floats)", () -> ncclAllReduce(p, p, count, ncclFloat, ncclSum, comm, null));
    }

    @Override
    public void allGatherDevice(ByteBuffer deviceSend, ByteBuffer deviceOut) {
        long count = floatCount(deviceSend, "allGather");
        checkGather(deviceSend.capacity(), deviceOut.capacity(), size);
        Pointer send = new Pointer(deviceSend);
        Pointer out = new Pointer(deviceOut);
        run("ncclAllGather(" + count + " floats per rank)", () -> ncclAllGather(send, out, count, ncclFloat, comm, null));
    }

    @Override
    public void broadcastDevice(ByteBuffer deviceData, int root) {
        checkRoot(root, size);
        Pointer p = new Pointer(deviceData);
        long bytes = deviceData.capacity();
        run("ncclBroadcast(" + bytes + " bytes from rank " + root + ")",
                () -> ncclBroadcast(p, p, bytes, ncclChar, root, comm, null));
    }

    @Override
    public void allReduceSum(FloatBuffer buffer) {
        long bytes = 4L * buffer.remaining();
        ByteBuffer host = toHost(buffer);
        Pointer dev = deviceScratch(bytes);
        copy(dev, new BytePointer(host), bytes, cudaMemcpyHostToDevice);
        run("ncclAllReduce(" + buffer.remaining() + " floats, host)",
                () -> ncclAllReduce(dev, dev, bytes / 4, ncclFloat, ncclSum, comm, null));
        copy(new BytePointer(host), dev, bytes, cudaMemcpyDeviceToHost);
        buffer.duplicate().put(host.asFloatBuffer());
    }

    @Override
    public void allGather(FloatBuffer send, FloatBuffer out) {
        checkGather(4L * send.remaining(), 4L * out.remaining(), size);
        long sendBytes = 4L * send.remaining();
        long outBytes = 4L * out.remaining();
        Pointer dev = deviceScratch(sendBytes + outBytes);
        Pointer devOut = new BytePointer(dev).position(sendBytes);
        copy(dev, new BytePointer(toHost(send)), sendBytes, cudaMemcpyHostToDevice);
        run("ncclAllGather(" + send.remaining() + " floats per rank, host)",
                () -> ncclAllGather(dev, devOut, sendBytes / 4, ncclFloat, comm, null));
        hostStaging = grow(hostStaging, outBytes);
        ByteBuffer host = hostStaging.slice(0, (int) outBytes).order(ByteOrder.nativeOrder());
        copy(new BytePointer(host), devOut, outBytes, cudaMemcpyDeviceToHost);
        out.duplicate().put(host.asFloatBuffer());
    }

    @Override
    public void broadcast(ByteBuffer buffer, int root) {
        checkRoot(root, size);
        long bytes = buffer.remaining();
        hostStaging = grow(hostStaging, bytes);
        ByteBuffer host = hostStaging.slice(0, (int) bytes);
        host.put(buffer.duplicate()).clear();
        Pointer dev = deviceScratch(bytes);
        copy(dev, new BytePointer(host), bytes, cudaMemcpyHostToDevice);
        run("ncclBroadcast(" + bytes + " bytes from rank " + root + ", host)",
                () -> ncclBroadcast(dev, dev, bytes, ncclChar, root, comm, null));
        copy(new BytePointer(host), dev, bytes, cudaMemcpyDeviceToHost);
        if (rank != root) {
            buffer.duplicate().put(host);
        }
    }

    @Override
    public void barrier() {
        Pointer dev = deviceScratch(4);
        run("barrier (ncclAllReduce of 1 float)", () -> ncclAllReduce(dev, dev, 1, ncclFloat, ncclSum, comm, null));
    }

    /** Enqueues one NCCL call and waits, with the deadline, until the stream has completed it. */
    private void run(String op, java.util.function.IntSupplier call) {
        opLock.lock();
        try {
            runLocked(op, call);
        } finally {
            opLock.unlock();
        }
    }

    private void runLocked(String op, java.util.function.IntSupplier call) {
        if (failure != null) {
            throw new CollectiveException(op + " on rank " + rank + ": communicator unusable: " + failure);
        }
        check(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        long deadline = System.nanoTime() + timeoutNanos;
        int rc = call.getAsInt();
        if (rc != ncclSuccess && rc != ncclInProgress) {
            throw fail(op + " failed on rank " + rank + ": " + ncclError(rc));
        }
        awaitComm(op, deadline);
        while (true) {
            int q = cudaStreamQuery(null);
            if (q == cudaSuccess) {
                return;
            }
            if (q != cudaErrorNotReady) {
                throw fail(op + " on rank " + rank + ": CUDA error " + cudaGetErrorString(q).getString());
            }
            pollAsyncError(op);
            if (System.nanoTime() > deadline) {
                throw fail(op + " on rank " + rank + " did not complete within " + timeoutNanos / 1_000_000
                        + " ms (operation timeout): another rank died, hangs or did not call it; see its log");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** Waits until the communicator has no operation in progress (non-blocking init and enqueue). */
    private void awaitComm(String op, long deadline) {
        while (pollAsyncError(op) == ncclInProgress) {
            if (System.nanoTime() > deadline) {
                throw fail(op + " on rank " + rank + " did not complete within " + timeoutNanos / 1_000_000
                        + " ms: not every rank joined (check that all workers reached the rendezvous)");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private int pollAsyncError(String op) {
        if (failure != null) {
            throw fail(op + " on rank " + rank + ": " + failure);
        }
        int[] state = {ncclSuccess};
        int rc = ncclCommGetAsyncError(comm, state);
        if (rc != ncclSuccess) {
            throw fail(op + " on rank " + rank + ": ncclCommGetAsyncError failed: " + ncclError(rc));
        }
        if (state[0] != ncclSuccess && state[0] != ncclInProgress) {
            throw fail(op + " on rank " + rank + ": NCCL error " + ncclError(state[0]));
        }
        return state[0];
    }

    /** Records the failure, aborts the communicator (so peers fail too) and returns the exception to throw. */
    private CollectiveException fail(String message) {
        abortComm(message);
        return new CollectiveException(message);
    }

    /**
     * Fails pending and future operations. Without an operation in progress the communicator is aborted at
     * once; otherwise the operation's polling loop sees the reason within a fraction of a millisecond and
     * aborts it (ncclCommAbort is not called concurrently with the loop's own NCCL calls).
     */
    @Override
    public void abort(String reason) {
        String msg = "rank " + rank + " aborted: " + reason;
        if (failure == null) {
            failure = msg;
        }
        if (opLock.tryLock()) {
            try {
                abortComm(msg);
            } finally {
                opLock.unlock();
            }
        }
    }

    private synchronized void abortComm(String reason) {
        if (failure == null) {
            failure = reason;
            LOG.warn("{}; aborting the NCCL communicator", reason);
        }
        if (!destroyed) {
            destroyed = true;
            ncclCommAbort(comm);
        }
    }

    @Override
    public void close() {
        opLock.lock();
        try {
            closeLocked();
        } finally {
            opLock.unlock();
        }
    }

    private synchronized void closeLocked() {
        if (scratch != null) {
            cudaFree(scratch);
            scratch = null;
        }
        if (destroyed) {
            return;
        }
        destroyed = true;
        failure = "closed";
        int rc = ncclCommFinalize(comm);
        if (rc == ncclSuccess || rc == ncclInProgress) {
            long deadline = System.nanoTime() + timeoutNanos;
            int[] state = {ncclInProgress};
            while (state[0] == ncclInProgress && System.nanoTime() < deadline
                    && ncclCommGetAsyncError(comm, state) == ncclSuccess) {
                LockSupport.parkNanos(100_000);
            }
            if (state[0] == ncclSuccess) {
                ncclCommDestroy(comm);
                return;
            }
        }
        ncclCommAbort(comm);
    }

    private Pointer deviceScratch(long bytes) {
        if (bytes > scratchBytes) {
            if (scratch != null) {
                cudaFree(scratch);
            }
            Pointer p = new Pointer();
            check(cudaMalloc(p, Math.max(bytes, 4)), "cudaMalloc(" + bytes + ")");
            scratch = p;
            scratchBytes = bytes;
        }
        return scratch;
    }

    private ByteBuffer toHost(FloatBuffer floats) {
        long bytes = 4L * floats.remaining();
        hostStaging = grow(hostStaging, bytes);
        ByteBuffer host = hostStaging.slice(0, (int) bytes).order(ByteOrder.nativeOrder());
        host.asFloatBuffer().put(floats.duplicate());
        return host;
    }

    private static ByteBuffer grow(ByteBuffer buf, long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("host buffer of " + bytes + " bytes exceeds 2 GiB: split it");
        }
        return buf.capacity() >= bytes ? buf : ByteBuffer.allocateDirect((int) Math.max(bytes, 2L * buf.capacity()));
    }

    private static void copy(Pointer dst, Pointer src, long bytes, int kind) {
        if (bytes > 0) {
            check(cudaMemcpy(dst, src, bytes, kind), "cudaMemcpy(" + bytes + " bytes)");
        }
    }

    static long floatCount(ByteBuffer deviceData, String op) {
        Objects.requireNonNull(deviceData, op + " buffer");
        if (!deviceData.isDirect()) {
            throw new IllegalArgumentException(op + " needs a direct buffer wrapping device memory");
        }
        if (deviceData.capacity() % 4 != 0) {
            throw new IllegalArgumentException(op + ": " + deviceData.capacity() + " bytes is not a whole number of floats");
        }
        return deviceData.capacity() / 4;
    }

    static void checkGather(long sendBytes, long outBytes, int size) {
        if (outBytes != sendBytes * size) {
            throw new IllegalArgumentException("allGather output has " + outBytes + " bytes, expected " + size
                    + " ranks x " + sendBytes + " = " + sendBytes * size);
        }
    }

    static void checkRoot(int root, int size) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("broadcast root " + root + " is not in 0.." + (size - 1));
        }
    }

    private static void check(int cudaRc, String what) {
        if (cudaRc != cudaSuccess) {
            throw new CollectiveException(what + " failed: CUDA error " + cudaGetErrorString(cudaRc).getString()
                    + " (" + cudaRc + ")");
        }
    }

    private static String ncclError(int rc) {
        return ncclGetErrorString(rc).getString() + " (" + rc + ")";
    }
}
