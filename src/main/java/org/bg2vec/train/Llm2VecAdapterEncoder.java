package org.bg2vec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.model.NamedParameter;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.tokenize.TokenizedBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Mistral encoder as the trainer sees it: everything delegates to {@link MistralEncoder}, except
 * that a saved adapter directory is what llm2vec's {@code LLM2Vec.save} writes for an adapter:
 * {@code adapter_config.json} (with {@code base_model_name_or_path} = the config's
 * {@code model_name_or_path}), {@code adapter_model.safetensors}, and {@code llm2vec_config.json}
 * ({@code pooling_mode}, {@code max_length}, {@code doc_max_length}, {@code skip_instruction}).
 */
final class Llm2VecAdapterEncoder implements TrainableEncoder {

    /** The file llm2vec reads the encoding settings of a saved model from. */
    static final String LLM2VEC_CONFIG = "llm2vec_config.json";
    /** llm2vec's default {@code doc_max_length} ({@code LLM2Vec.__init__}). */
    static final int DOC_MAX_LENGTH = 400;

    private final MistralEncoder encoder;
    private final String baseModelNameOrPath;
    private final String poolingMode;
    private final int maxLength;

    Llm2VecAdapterEncoder(MistralEncoder encoder, String baseModelNameOrPath, String poolingMode, int maxLength) {
        this.encoder = encoder;
        this.baseModelNameOrPath = baseModelNameOrPath;
        this.poolingMode = poolingMode;
        this.maxLength = maxLength;
    }

    @Override
    public int hiddenSize() {
        return encoder.hiddenSize();
    }

    @Override
    public NDArray embed(NDManager manager, TokenizedBatch batch, boolean training, long dropoutSeed) {
        return encoder.embed(manager, batch, training, dropoutSeed);
    }

    @Override
    public void backwardFromEmbeddings(NDManager manager, TokenizedBatch batch, long dropoutSeed,
                                       NDArray embeddingGradient) {
        encoder.backwardFromEmbeddings(manager, batch, dropoutSeed, embeddingGradient);
    }

    @Override
    public List<NamedParameter> trainableParameters() {
        return encoder.trainableParameters();
    }

    @Override
    public void saveAdapter(Path dir) throws IOException {
        encoder.saveAdapter(dir, baseModelNameOrPath);
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.put("pooling_mode", poolingMode);
        c.put("max_length", maxLength);
        c.put("doc_max_length", DOC_MAX_LENGTH);
        c.put("skip_instruction", true);
        Files.writeString(dir.resolve(LLM2VEC_CONFIG), json.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n");
    }

    @Override
    public void close() {
        encoder.close();
    }
}
