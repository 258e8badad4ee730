package org.bg2vec.collective;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Raw memory of DJL PyTorch tensors, through DJL's package-private {@code PyTorchLibrary} (no public API
 * exposes a data pointer or contiguity).
 *
 * <p>{@code torchDirectByteBuffer(handle)} wraps {@code tensor.data_ptr()} in a direct byte buffer without
 * copying and without checking the device: for a CPU tensor it is a live view of the tensor's memory (this
 * is also what {@code PtNDArray.toByteBuffer(true)} returns for dense, contiguous CPU tensors); for a CUDA
 * tensor it holds a <em>device</em> address that Java must never read, only hand to NCCL. Buffers are
 * limited to 2 GiB (int capacity).
 */
final class PyTorchTensors {

    private static final Object LIB;
    private static final Method DIRECT_BUFFER;
    private static final Method IS_CONTIGUOUS;
    private static final String FAILURE;

    static {
        Object lib = null;
        Method direct = null;
        Method contiguous = null;
        String failure = null;
        try {
            Class<?> cls = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field f = cls.getDeclaredField("LIB");
            f.setAccessible(true);
            lib = f.get(null);
            direct = cls.getDeclaredMethod("torchDirectByteBuffer", long.class);
            direct.setAccessible(true);
            contiguous = cls.getDeclaredMethod("torchIsContiguous", long.class);
            contiguous.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            failure = e.toString();
        }
        LIB = lib;
        DIRECT_BUFFER = direct;
        IS_CONTIGUOUS = contiguous;
        FAILURE = failure;
    }

    private PyTorchTensors() {
    }

    /** True when {@code array} is a dense PyTorch tensor whose memory can be addressed directly. */
    static boolean isDirectlyAddressable(NDArray array) {
        return FAILURE == null && array instanceof PtNDArray && !array.isSparse() && isContiguous((PtNDArray) array);
    }

    /**
     * A little-endian direct view of a dense, contiguous CPU tensor's memory (writes change the tensor),
     * or null when the tensor is not one (then copy).
     */
    static ByteBuffer hostView(NDArray array) {
        if (!array.getDevice().equals(Device.cpu()) || !isDirectlyAddressable(array)) {
            return null;
        }
        return dataBuffer(array).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The tensor's {@code data_ptr()} as a direct buffer of its byte size, for any device; for a GPU tensor
     * only its address may be used.
     *
     * @throws CollectiveException when the tensor is not a dense contiguous PyTorch tensor or DJL changed
     */
    static ByteBuffer dataBuffer(NDArray array) {
        if (FAILURE != null) {
            throw new CollectiveException("cannot reach DJL's PyTorchLibrary.torchDirectByteBuffer (DJL "
                    + "version changed?): " + FAILURE);
        }
        if (!(array instanceof PtNDArray pt) || array.isSparse() || !isContiguous(pt)) {
            throw new CollectiveException("tensor " + array.getShape() + " on " + array.getDevice()
                    + " is not a dense contiguous PyTorch tensor; make it contiguous (e.g. flatten into a new tensor)");
        }
        long bytes = array.size() * array.getDataType().getNumOfBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new CollectiveException("tensor " + array.getShape() + " has " + bytes
                    + " bytes; direct access is limited to 2 GiB: split the bucket");
        }
        try {
            ByteBuffer buf = (ByteBuffer) DIRECT_BUFFER.invoke(LIB, pt.getHandle());
            if (buf.capacity() != bytes) {
                throw new CollectiveException("DJL returned a " + buf.capacity() + "-byte buffer for a " + bytes
                        + "-byte tensor");
            }
            return buf;
        } catch (ReflectiveOperationException e) {
            throw new CollectiveException("PyTorchLibrary.torchDirectByteBuffer failed: " + e.getCause(), e);
        }
    }

    private static boolean isContiguous(PtNDArray array) {
        try {
            return (boolean) IS_CONTIGUOUS.invoke(LIB, array.getHandle());
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
