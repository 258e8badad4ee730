package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Autograd;
import org.bg2vec.model.NamedParameter;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.tokenize.TokenizedBatch;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A small trainable encoder for trainer tests: embedding table [V, E] → linear [E, H] → tanh →
 * dropout (mask drawn from a java.util.Random keyed by the dropout seed, never torch's RNG) → mean
 * pooling over the embed mask. Parameters are fp32 leaves initialised from {@code initSeed}.
 */
final class ToyEncoder implements TrainableEncoder {

    private final NDManager manager = DjlRuntime.newManager();
    private final int vocab;
    private final int hidden;
    private final float dropout;
    private final NDArray table;
    private final NDArray proj;

    ToyEncoder(int vocab, int dim, int hidden, float dropout, long initSeed) {
        this.vocab = vocab;
        this.hidden = hidden;
        this.dropout = dropout;
        Random r = new Random(initSeed);
        this.table = manager.create(gaussian(r, vocab * dim, 1f), new Shape(vocab, dim));
        this.proj = manager.create(gaussian(r, dim * hidden, (float) (1 / Math.sqrt(dim))), new Shape(dim, hidden));
        Autograd.requireGrad(table);
        Autograd.requireGrad(proj);
    }

    private static float[] gaussian(Random r, int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * std;
        }
        return a;
    }

    @Override
    public int hiddenSize() {
        return hidden;
    }

    @Override
    public NDArray embed(NDManager m, TokenizedBatch batch, boolean training, long dropoutSeed) {
        int b = batch.batchSize();
        int len = batch.length();
        NDArray ids = m.create(batch.inputIds(), new Shape((long) b * len));
        NDArray oneHot = ids.oneHot(vocab).toType(DataType.FLOAT32, false);
        NDArray h = oneHot.matMul(table).matMul(proj).tanh();
        if (training && dropout > 0) {
            Random r = new Random(dropoutSeed);
            float[] mask = new float[b * len * hidden];
            float keep = 1f / (1f - dropout);
            for (int i = 0; i < mask.length; i++) {
                mask[i] = r.nextFloat() < dropout ? 0f : keep;
            }
            h = h.mul(m.create(mask, new Shape((long) b * len, hidden)));
        }
        h = h.reshape(b, len, hidden);
        float[] em = new float[b * len];
        for (int i = 0; i < em.length; i++) {
            em[i] = batch.embedMask()[i];
        }
        NDArray mask = m.create(em, new Shape(b, len, 1));
        return h.mul(mask).sum(new int[]{1}).div(mask.sum(new int[]{1}));
    }

    @Override
    public List<NamedParameter> trainableParameters() {
        return List.of(new NamedParameter("emb.weight", table), new NamedParameter("proj.weight", proj));
    }

    /** All trainable values, flat, in parameter order. */
    float[] values() {
        return new TrainableVector(trainableParameters()).values();
    }

    @Override
    public void saveAdapter(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("toy-adapter.bin")))) {
            for (float v : values()) {
                out.writeFloat(v);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
