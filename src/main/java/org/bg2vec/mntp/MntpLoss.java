package org.bg2vec.mntp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.bg2vec.djl.Casts;
import org.bg2vec.djl.Tensors;

/**
 * MNTP's loss: the causal LM's next-token shift on the bidirectional model's hidden states. The logits at
 * position t predict the label at position t+1 ({@code MistralForCausalLM}: {@code logits[..., :-1]} against
 * {@code labels[..., 1:]}), cross-entropy in float32. The LM head is applied only at the positions whose
 * next label exists, so the logits take [labelled, vocab], not [B·L, vocab].
 *
 * <p>{@link #forward} returns the <em>sum</em> of the per-token losses: the trainer divides by the number of
 * labels in the whole global batch, so the gradient is the global-batch mean whatever the split.
 */
public final class MntpLoss {

    private MntpLoss() {
    }

    /** The flat hidden-state rows ({@code r·L + t}) that predict, and the ids they predict. */
    public record Positions(long[] rows, long[] targets) {

        public int count() {
            return rows.length;
        }
    }

    /** The loss sum (float32 scalar, in the graph when grad mode is on) and the argmax hits, over the positions. */
    public record Output(NDArray lossSum, long correct) {
    }

    /** Position t of each row wherever {@code labels[t+1]} is a label (labels [batch·length], row-major). */
    public static Positions shifted(long[] labels, int batch, int length) {
        int n = 0;
        for (int r = 0; r < batch; r++) {
            for (int t = 0; t + 1 < length; t++) {
                n += labels[r * length + t + 1] != Masking.IGNORE ? 1 : 0;
            }
        }
        long[] rows = new long[n];
        long[] targets = new long[n];
        int k = 0;
        for (int r = 0; r < batch; r++) {
            for (int t = 0; t + 1 < length; t++) {
                long label = labels[r * length + t + 1];
                if (label != Masking.IGNORE) {
                    rows[k] = (long) r * length + t;
                    targets[k++] = label;
                }
            }
        }
        return new Positions(rows, targets);
    }

    /**
     * {@code Σ -log softmax(lm_head · hidden[row])[target]} over {@code p} (at least one position), with
     * {@code hidden} [B, L, H] in any float type and {@code lmHead} [vocab, H] float32.
     */
    public static Output forward(NDArray hidden, Positions p, NDArray lmHead) {
        if (p.count() == 0) {
            throw new IllegalArgumentException("no labelled positions: nothing to compute a loss over");
        }
        NDManager m = hidden.getManager();
        long h = hidden.getShape().get(2);
        NDArray flat = Casts.to(hidden, DataType.FLOAT32).reshape(-1, h);
        NDArray selected = flat.get(Tensors.owned(m, p.rows(), new Shape(p.count())));
        NDArray logits = Linear.linear(selected, lmHead).singletonOrThrow();
        NDArray targets = Tensors.owned(m, p.targets(), new Shape(p.count(), 1));
        NDArray picked = logits.logSoftmax(-1).gather(targets, 1);
        NDArray sum = picked.sum().neg();
        long[] predicted = logits.argMax(-1).toLongArray();
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == p.targets()[i] ? 1 : 0;
        }
        return new Output(sum, correct);
    }
}
