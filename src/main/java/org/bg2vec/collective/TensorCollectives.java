package org.bg2vec.collective;

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
 * Collectives on DJL float32 tensors.
 *
 * <p>CPU tensors that are dense and contiguous are reduced <em>in place</em> through a direct view of
 * their memory (zero copy: {@link PyTorchTensors#hostView}); others are copied out and written back.
 * GPU tensors need a {@link DeviceCollective} (NCCL) and are handed over by device address.
 */
public final class TensorCollectives {

    private TensorCollectives() {
    }

    /** In-place element-wise SUM of {@code flat} (float32, same shape on every rank) over all ranks. */
    public static void allReduceSum(Collective collective, NDArray flat) {
        requireFloat32(flat, "allReduceSum");
        if (flat.getDevice().isGpu()) {
            device(collective, flat).allReduceSumDevice(PyTorchTensors.dataBuffer(flat));
            return;
        }
        ByteBuffer view = PyTorchTensors.hostView(flat);
        if (view != null) {
            collective.allReduceSum(view.asFloatBuffer());
            return;
        }
        FloatBuffer copy = floatsOf(flat);
        collective.allReduceSum(copy);
        flat.set(copy.rewind());
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
        NDArray out = manager.zeros(new Shape(dims), DataType.FLOAT32, block.getDevice());
        if (block.getDevice().isGpu()) {
            device(collective, block).allGatherDevice(PyTorchTensors.dataBuffer(block), PyTorchTensors.dataBuffer(out));
            return out;
        }
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

    private static DeviceCollective device(Collective collective, NDArray array) {
        if (collective instanceof DeviceCollective d) {
            return d;
        }
        throw new CollectiveException("tensor " + array.getShape() + " is on " + array.getDevice() + " but the "
                + collective.getClass().getSimpleName() + " works on host memory: use the NCCL collective on GPUs"
                + " or move the tensor to the CPU");
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
