package org.bg2vec.mntp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.bg2vec.djl.Autograd;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.model.NamedParameter;
import org.bg2vec.model.Trainable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * llm2vec's {@code MistralBiForMNTP}: the bidirectional Mistral encoder (its trainable LoRA on the inner model,
 * so the saved keys are {@code base_model.model.layers.N...}, the adapter {@code train} merges) plus the causal
 * LM head, scored with {@link MntpLoss}.
 */
public final class MntpModel implements Trainable, AutoCloseable {

    private final MistralEncoder encoder;
    private final LmHead head;
    private final String baseModelName;
    private final boolean saveHead;

    /** Takes ownership of both; {@link #saveAdapter} records no base model and leaves the head out. */
    public MntpModel(MistralEncoder encoder, LmHead head) {
        this(encoder, head, "", false);
    }

    /**
     * Takes ownership of both. The encoder must carry a trainable adapter. {@link #saveAdapter} records
     * {@code baseModelName} and, with {@code saveHead}, writes a trained head beside the adapter.
     */
    public MntpModel(MistralEncoder encoder, LmHead head, String baseModelName, boolean saveHead) {
        if (encoder.trainableAdapter() == null) {
            throw new IllegalArgumentException("the MNTP encoder needs a trainable LoRA adapter");
        }
        this.encoder = encoder;
        this.head = head;
        this.baseModelName = baseModelName;
        this.saveHead = saveHead;
    }

    /** The loss sum, argmax hits and number of predicted positions of one batch. */
    public record Stats(double lossSum, long correct, int count) {
    }

    public MistralEncoder encoder() {
        return encoder;
    }

    public LmHead head() {
        return head;
    }

    /** The LoRA parameters and, when trainable, {@code lm_head.weight}, sorted by name. */
    @Override
    public List<NamedParameter> trainableParameters() {
        List<NamedParameter> out = new ArrayList<>(encoder.trainableParameters());
        out.addAll(head.parameters());
        out.sort(Comparator.comparing(NamedParameter::name));
        return out;
    }

    /** The loss of {@code batch} without grad ({@code training}: dropout keyed by {@code dropoutSeed}). */
    public Stats evaluate(NDManager manager, Masking.MaskedBatch batch, boolean training, long dropoutSeed) {
        MntpLoss.Positions p = positions(batch);
        if (p.count() == 0) {
            return new Stats(0, 0, 0);
        }
        try (NDManager m = manager.newSubManager(); Autograd.Scope off = Autograd.gradMode(false)) {
            NDArray hidden = encoder.lastHiddenState(m, batch.inputs(), training, dropoutSeed, null);
            return stats(MntpLoss.forward(hidden, p, head.weight()), p);
        }
    }

    /**
     * The training forward of {@code batch} and the backward of {@code scale · loss sum}, accumulating into the
     * trainable parameters' gradients (layer by layer when the encoder recomputes).
     */
    public Stats backward(NDManager manager, Masking.MaskedBatch batch, long dropoutSeed, float scale) {
        MntpLoss.Positions p = positions(batch);
        if (p.count() == 0) {
            return new Stats(0, 0, 0);
        }
        Stats[] out = new Stats[1];
        try (NDManager m = manager.newSubManager()) {
            NDArray gradient = m.full(new Shape(), scale, DataType.FLOAT32);
            encoder.backwardThroughHead(m, batch.inputs(), dropoutSeed, hidden -> {
                MntpLoss.Output o = MntpLoss.forward(hidden, p, head.weight());
                out[0] = stats(o, p);
                return o.lossSum();
            }, gradient);
        }
        return out[0];
    }

    private static MntpLoss.Positions positions(Masking.MaskedBatch batch) {
        return MntpLoss.shifted(batch.labels(), batch.inputs().batchSize(), batch.inputs().length());
    }

    private static Stats stats(MntpLoss.Output o, MntpLoss.Positions p) {
        double sum;
        try (Autograd.Scope off = Autograd.gradMode(false)) {
            sum = o.lossSum().toType(DataType.FLOAT64, false).getDouble();
        }
        return new Stats(sum, o.correct(), p.count());
    }

    /**
     * Writes the PEFT adapter into {@code dir} and, when the head is trained and to be saved,
     * {@code dir/lm_head.safetensors} beside it (PEFT ignores that file; {@code train} merges only the adapter).
     */
    @Override
    public void saveAdapter(Path dir) throws IOException {
        encoder.saveAdapter(dir, baseModelName);
        if (saveHead && head.trainable()) {
            head.save(dir);
        }
    }

    @Override
    public void close() {
        head.close();
        encoder.close();
    }
}
