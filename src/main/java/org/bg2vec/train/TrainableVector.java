package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.bg2vec.djl.Autograd;
import org.bg2vec.model.NamedParameter;

import java.nio.FloatBuffer;
import java.util.List;

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

    /** Current parameter values. */
    public float[] values() {
        float[] out = new float[size];
        for (int i = 0; i < params.size(); i++) {
            float[] v = params.get(i).array().toFloatArray();
            System.arraycopy(v, 0, out, offsets[i], v.length);
        }
        return out;
    }

    /**
     * Sets every parameter to its slice of {@code values}, copying into the parameter's existing
     * storage (grad mode off, on the parameter's device). Not {@code NDArray.set(Buffer)}: on the CPU
     * that makes the tensor's storage alias a Java direct buffer kept alive only by that one Java
     * wrapper, and any other handle or view of the parameter would keep the old storage.
     */
    public void setValues(float[] values) {
        if (values.length != size) {
            throw new IllegalArgumentException("expected " + size + " trainable values, got " + values.length);
        }
        try (Autograd.Scope off = Autograd.gradMode(false)) {
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i).array();
                try (NDManager tmp = p.getManager().newSubManager()) {
                    NDArray v = tmp.create(FloatBuffer.wrap(values, offsets[i], offsets[i + 1] - offsets[i]).slice(),
                            p.getShape());
                    p.set(new NDIndex("..."), v);
                }
            }
        }
    }

    /** The accumulated gradients (zeros for a parameter that received none). */
    public float[] gradients() {
        float[] out = new float[size];
        for (int i = 0; i < params.size(); i++) {
            NDArray g = Autograd.gradient(params.get(i).array());
            if (g != null) {
                try (g) {
                    float[] v = g.toFloatArray();
                    System.arraycopy(v, 0, out, offsets[i], v.length);
                }
            }
        }
        return out;
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
