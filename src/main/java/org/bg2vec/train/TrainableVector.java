package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.Autograd;
import org.bg2vec.djl.Tensors;
import org.bg2vec.model.NamedParameter;

import java.util.List;
import java.util.function.IntFunction;

/**
 * The model's trainable parameters seen as one flat fp32 vector, in
 * {@link org.bg2vec.model.TrainableEncoder#trainableParameters()} order: the layout of the
 * gradient all-reduce, the optimizer state and the checkpoint. Writing values sets the parameter
 * tensors in place (no model change needed to load a checkpoint).
 */
public final class TrainableVector {

    private final List<NamedParameter> params;
    private final int[] offsets;
    private final int size;

    public TrainableVector(List<NamedParameter> params) {
        this.params = List.copyOf(params);
        this.offsets = new int[params.size() + 1];
        long total = 0;
        for (int i = 0; i < params.size(); i++) {
            NDArray a = params.get(i).array();
            if (a.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("trainable parameter " + params.get(i).name() + " is "
                        + a.getDataType() + "; trainable parameters must be float32");
            }
            offsets[i] = (int) total;
            total += a.size();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many trainable values for one flat vector: " + total);
        }
        this.size = (int) total;
        offsets[params.size()] = size;
    }

    public int size() {
        return size;
    }

    public List<NamedParameter> parameters() {
        return params;
    }

    /** Current parameter values, as one new flat tensor on the parameters' device that belongs to {@code manager}. */
    public NDArray valuesTensor(NDManager manager) {
        try (Autograd.Scope off = Autograd.gradMode(false)) {
            return flatten(manager, i -> params.get(i).array(), false);
        }
    }

    /** Current parameter values, copied to the host. */
    public float[] values() {
        try (NDManager tmp = params.get(0).array().getManager().newSubManager()) {
            return valuesTensor(tmp).toFloatArray();
        }
    }

    /**
     * Sets every parameter to its slice of the flat tensor {@code values} by a copy on the device into the
     * parameter's existing storage (grad mode off): no host round trip.
     */
    public void setValues(NDArray values) {
        if (values.size() != size) {
            throw new IllegalArgumentException("expected " + size + " trainable values, got " + values.size());
        }
        try (Autograd.Scope off = Autograd.gradMode(false)) {
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i).array();
                try (NDArray part = values.get(new NDIndex("{}:{}", offsets[i], offsets[i + 1]));
                     NDArray shaped = part.reshape(p.getShape())) {
                    p.set(new NDIndex("..."), shaped);
                }
            }
        }
    }

    /**
     * Sets every parameter to its slice of {@code values} (host values copied once to the parameters' device, into
     * libtorch-owned memory; not {@code NDArray.set(Buffer)}: on the CPU that makes the tensor's storage alias a Java
     * direct buffer kept alive only by that one Java wrapper, and any other handle or view of the parameter would
     * keep the old storage).
     */
    public void setValues(float[] values) {
        if (values.length != size) {
            throw new IllegalArgumentException("expected " + size + " trainable values, got " + values.length);
        }
        try (NDManager tmp = params.get(0).array().getManager().newSubManager()) {
            setValues(Tensors.owned(tmp, values, new Shape(size)));
        }
    }

    /**
     * The accumulated gradients as one new flat tensor on the parameters' device that belongs to {@code manager}
     * (zeros for a parameter that received none).
     */
    public NDArray gradientTensor(NDManager manager) {
        try (Autograd.Scope off = Autograd.gradMode(false)) {
            return flatten(manager, i -> Autograd.gradient(params.get(i).array()), true);
        }
    }

    /** The accumulated gradients, copied to the host. */
    public float[] gradients() {
        try (NDManager tmp = params.get(0).array().getManager().newSubManager()) {
            return gradientTensor(tmp).toFloatArray();
        }
    }

    /**
     * The concatenation of every parameter's {@code part} flattened (zeros where it is null), owned by manager;
     * {@code closeParts}: the parts are new handles (gradients) to close here.
     */
    private NDArray flatten(NDManager manager, IntFunction<NDArray> part, boolean closeParts) {
        ai.djl.Device device = params.get(0).array().getDevice();
        try (NDManager tmp = manager.newSubManager(device)) {
            NDList flats = new NDList(params.size());
            for (int i = 0; i < params.size(); i++) {
                NDArray src = part.apply(i);
                NDArray flat;
                if (src == null) {
                    flat = tmp.zeros(new Shape(offsets[i + 1] - offsets[i]), DataType.FLOAT32, device);
                } else {
                    flat = src.reshape(-1);
                    if (closeParts) {
                        src.close();
                    }
                }
                flat.attach(tmp);
                flats.add(flat);
            }
            NDArray out = flats.size() == 1 ? flats.get(0).duplicate() : NDArrays.concat(flats);
            out.attach(manager);
            return out;
        }
    }

    /** Zeroes every accumulated gradient. */
    public void zeroGradients() {
        for (NamedParameter p : params) {
            NDArray g = Autograd.gradient(p.array());
            if (g != null) {
                g.close();
                Autograd.zeroGrad(p.array());
            }
        }
    }

    /** Offset of parameter {@code i} in the flat vector. */
    public int offset(int i) {
        return offsets[i];
    }
}
