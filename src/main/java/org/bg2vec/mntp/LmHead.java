package org.bg2vec.mntp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.format.Checkpoint;
import org.bg2vec.format.SafetensorsWriter;
import org.bg2vec.djl.Autograd;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.model.NamedParameter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The causal LM head {@code lm_head.weight} [vocab, hidden] in float32: from the checkpoint, or the input
 * embeddings when the model ties them ({@code tie_word_embeddings}) or has no head of its own and
 * {@code embeddingsIfMissing} allows it. Trainable (llm2vec's default: its optimizer updates the head along
 * with the LoRA) or frozen.
 */
public final class LmHead implements AutoCloseable {

    /** The head's key in checkpoints and in the file saved beside the adapter. */
    public static final String NAME = "lm_head.weight";
    /** The file {@link #save} writes into the adapter directory. */
    public static final String FILE = "lm_head.safetensors";

    private final NDArray weight;
    private final boolean trainable;

    /** Wraps a float32 [vocab, hidden] weight (owned by this head from now on). */
    public LmHead(NDArray weight, boolean trainable) {
        if (weight.getDataType() != DataType.FLOAT32 || weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException("lm_head must be a float32 matrix, got " + weight.getDataType() + " "
                    + weight.getShape());
        }
        this.weight = weight;
        this.trainable = trainable;
        if (trainable) {
            Autograd.requireGrad(weight);
        }
    }

    /** Loads the head of the Hugging Face model in {@code modelDir} into {@code manager}. */
    public static LmHead load(Path modelDir, MistralConfig config, NDManager manager, boolean trainable,
                              boolean embeddingsIfMissing) throws IOException {
        JsonNode raw = new ObjectMapper().readTree(modelDir.resolve("config.json").toFile());
        boolean tied = raw.path("tie_word_embeddings").asBoolean(false);
        try (Checkpoint ckpt = Checkpoint.open(modelDir)) {
            String key = tied ? null : find(ckpt, NAME);
            if (key == null && !tied && !embeddingsIfMissing) {
                throw new IllegalArgumentException(modelDir + " has no " + NAME + " and its config.json does not set"
                        + " tie_word_embeddings: MNTP needs the causal LM head. Use the model's full checkpoint"
                        + " (MistralForCausalLM), or set \"lm_head_from_embeddings\": true to start from a copy of"
                        + " the input embeddings (models written by 'bg2vec init-model')");
            }
            if (key == null) {
                key = find(ckpt, "model.embed_tokens.weight");
                key = key != null ? key : find(ckpt, "embed_tokens.weight");
            }
            if (key == null) {
                throw new IllegalArgumentException(modelDir + " has neither " + NAME + " nor embed_tokens.weight");
            }
            long[] shape = ckpt.info(key).shape();
            if (shape.length != 2 || shape[0] != config.vocabSize() || shape[1] != config.hiddenSize()) {
                throw new IllegalArgumentException(modelDir + ": " + key + " has shape "
                        + java.util.Arrays.toString(shape) + ", the LM head needs [" + config.vocabSize() + ", "
                        + config.hiddenSize() + "]");
            }
            NDArray w = ckpt.read(manager, key, DataType.FLOAT32);
            w.setName(NAME);
            return new LmHead(w, trainable);
        }
    }

    private static String find(Checkpoint ckpt, String key) {
        return ckpt.tensorFiles().containsKey(key) ? key : null;
    }

    /** The weight [vocab, hidden], float32. */
    public NDArray weight() {
        return weight;
    }

    public boolean trainable() {
        return trainable;
    }

    /** The head as a trainable parameter, or nothing when it is frozen. */
    public List<NamedParameter> parameters() {
        return trainable ? List.of(new NamedParameter(NAME, weight)) : List.of();
    }

    /** Writes the head as {@code dir/lm_head.safetensors} (key {@code lm_head.weight}, float32). */
    public void save(Path dir) throws IOException {
        SafetensorsWriter.write(dir.resolve(FILE), List.of(SafetensorsWriter.Entry.of(NAME, weight)),
                Map.of("format", "pt"));
    }

    @Override
    public void close() {
        weight.close();
    }
}
