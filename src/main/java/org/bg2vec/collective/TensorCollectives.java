package org.bg2vec.collective;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Collectives on DJL float32 tensors; {@link #route} decides how a tensor travels, in one place:
 * <ul>
 * <li>{@link Route#DEVICE}: a GPU tensor with a {@link DeviceCollective} (NCCL, also inside a {@link TimedCollective})
 *     is handed over by device address and reduced in device memory (no host copy);</li>
 * <li>{@link Route#HOST}: a CPU tensor that is dense and contiguous is reduced <em>in place</em> through a direct
 *     view of its memory (zero copy: {@link PyTorchTensors#hostView}); others are copied out and written back;</li>
 * <li>{@link Route#HOST_STAGED}: a GPU tensor with a collective that works on host memory (the TCP ring) is copied
 *     to the host, reduced there and copied back: correct but two copies of the tensor per call, so GPU workers
 *     should use NCCL;</li>
 * <li>{@link Route#NONE}: one rank, nothing to exchange.</li>
 * </ul>
 */
public final class TensorCollectives {

    private TensorCollectives() {
    }

    /** How a tensor travels through a collective (see the class comment). */
    public enum Route { NONE, HOST, DEVICE, HOST_STAGED }

    /** The route of a tensor on {@code device} through {@code collective}. */
    public static Route route(Collective collective, Device device) {
        if (collective.size() == 1) {
            return Route.NONE;
        }
        if (!device.isGpu()) {
            return Route.HOST;
        }
        return deviceCollective(collective) != null ? Route.DEVICE : Route.HOST_STAGED;
    }

    /** In-place element-wise SUM of {@code flat} (float32, same shape on every rank) over all ranks. */
    public static void allReduceSum(Collective collective, NDArray flat) {
        requireFloat32(flat, "allReduceSum");
        switch (route(collective, flat.getDevice())) {
            case NONE -> {
            }
            case DEVICE -> timed(collective, () ->
                    deviceCollective(collective).allReduceSumDevice(PyTorchTensors.dataBuffer(flat)));
            case HOST_STAGED -> {
                try (NDArray host = flat.toDevice(Device.cpu(), true)) {
                    allReduceSum(collective, host);
                    flat.set(new NDIndex("..."), host);
                }
            }
            case HOST -> {
                ByteBuffer view = PyTorchTensors.hostView(flat);
                if (view != null) {
                    collective.allReduceSum(view.asFloatBuffer());
                    return;
                }
                FloatBuffer copy = floatsOf(flat);
                collective.allReduceSum(copy);
                flat.set(copy.rewind());
            }
        }
    }

    /**
     * Gathers every rank's {@code block} (float32, same shape everywhere) along axis 0 in rank order: the
     * result has shape (size × block.shape[0], ...), lives on the block's device and belongs to {@code manager}.
     */
    public static NDArray allGather(Collective collective, NDArray block, NDManager manager) {
        requireFloat32(block, "allGather");
        Shape shape = block.getShape();
        if (shape.dimension() == 0) {
            throw new IllegalArgumentException("allGather needs a block with at least one axis, got a scalar");
        }
        long[] dims = shape.getShape().clone();
        dims[0] *= collective.size();
        switch (route(collective, block.getDevice())) {
            case NONE -> {
                NDArray out = block.duplicate();
                out.attach(manager);
                return out;
            }
            case DEVICE -> {
                NDArray out = manager.zeros(new Shape(dims), DataType.FLOAT32, block.getDevice());
                timed(collective, () -> deviceCollective(collective).allGatherDevice(PyTorchTensors.dataBuffer(block),
                        PyTorchTensors.dataBuffer(out)));
                return out;
            }
            case HOST_STAGED -> {
                try (NDManager staging = manager.newSubManager(Device.cpu())) {
                    NDArray host = block.toDevice(Device.cpu(), true);
                    host.attach(staging);
                    NDArray out = allGather(collective, host, staging).toDevice(block.getDevice(), true);
                    out.attach(manager);
                    return out;
                }
            }
            default -> {
                NDArray out = manager.zeros(new Shape(dims), DataType.FLOAT32, block.getDevice());
                ByteBuffer blockView = PyTorchTensors.hostView(block);
                FloatBuffer send = blockView != null ? blockView.asFloatBuffer() : floatsOf(block);
                ByteBuffer outView = PyTorchTensors.hostView(out);
                if (outView != null) {
                    collective.allGather(send, outView.asFloatBuffer());
                } else {
                    FloatBuffer gathered = FloatBuffer.allocate(Math.toIntExact(out.size()));
                    collective.allGather(send, gathered);
                    out.set(gathered.rewind());
                }
                return out;
            }
        }
    }

    /**
     * Sums several float32 tensors (e.g. all parameter gradients) over all ranks with one collective call:
     * they are flattened into one {@link GradientBucket}, reduced, and written back in place.
     */
    public static void allReduceSum(Collective collective, List<NDArray> tensors, NDManager manager) {
        if (tensors.isEmpty()) {
            return;
        }
        List<Long> counts = new ArrayList<>();
        for (NDArray t : tensors) {
            requireFloat32(t, "allReduceSum");
            counts.add(t.size());
        }
        GradientBucket bucket = GradientBucket.of(counts);
        try (NDManager scope = manager.newSubManager(tensors.get(0).getDevice())) {
            NDList flats = new NDList();
            for (NDArray t : tensors) {
                NDArray f = t.reshape(-1);
                f.attach(scope);
                flats.add(f);
            }
            NDArray flat = flats.size() == 1 ? flats.get(0).duplicate() : NDArrays.concat(flats);
            flat.attach(scope);
            allReduceSum(collective, flat);
            for (int i = 0; i < tensors.size(); i++) {
                NDArray t = tensors.get(i);
                NDArray part = flat.get(new NDIndex("{}:{}", bucket.offset(i), bucket.offset(i) + bucket.count(i)))
                        .reshape(t.getShape());
                t.set(new NDIndex("..."), part);
            }
        }
    }

    /** The device collective behind {@code collective} (unwrapping a {@link TimedCollective}), or null. */
    private static DeviceCollective deviceCollective(Collective collective) {
        Collective inner = collective instanceof TimedCollective t ? t.delegate() : collective;
        return inner instanceof DeviceCollective d ? d : null;
    }

    /** Runs a device operation, counted in the wrapper's time when {@code collective} is a {@link TimedCollective}. */
    private static void timed(Collective collective, Runnable op) {
        if (collective instanceof TimedCollective t) {
            t.time(op);
        } else {
            op.run();
        }
    }

    private static FloatBuffer floatsOf(NDArray array) {
        ByteBuffer bytes = array.toByteBuffer();
        ByteBuffer copy = ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = copy.asFloatBuffer();
        floats.put(bytes.order(ByteOrder.nativeOrder()).asFloatBuffer()).flip();
        return floats;
    }

    private static void requireFloat32(NDArray array, String op) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(op + " works on float32 tensors, got " + array.getDataType()
                    + " " + array.getShape());
        }
    }
}
