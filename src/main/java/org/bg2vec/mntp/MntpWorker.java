package org.bg2vec.mntp;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.collective.Collective;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.modelstore.ModelStore;
import org.bg2vec.modelstore.ModelUris;
import org.bg2vec.train.ModelFacts;
import org.bg2vec.train.SimCseTrainer;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.TrainingWorker;
import org.bg2vec.train.WorkerEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One MNTP worker with the real model: the bidirectional Mistral model of {@code model_name_or_path} (an adapter in
 * {@code peft_model_name_or_path}, if set, merged first), a fresh trainable LoRA on its inner model, the causal LM
 * head, and the masking of its {@code tokenizer.json}; trained by the shared loop of {@link SimCseTrainer} with
 * {@link MntpSteps}. The final adapter is what {@code train} merges as its MNTP adapter.
 */
public final class MntpWorker {

    private static final Logger LOG = LoggerFactory.getLogger(MntpWorker.class);

    private MntpWorker() {
    }

    /** Builds the model of {@code config}, trains it as rank {@code collective.rank()} and closes it. */
    public static SimCseTrainer.Result run(TrainConfig config, MntpSettings mntp, Collective collective,
                                           SimCseTrainer.StepListener listener, WorkerEnvironment environment)
            throws IOException {
        ModelStore models = environment.models();
        Path modelDir = models.localDirectory(TrainingWorker.requireModel(config)).dir();
        Path merged = TrainingWorker.hasPeft(config) ? models.localDirectory(config.peftModelNameOrPath()).dir() : null;
        ModelFacts facts = ModelFacts.fromModelDir(modelDir);
        EncoderOptions options = TrainingWorker.options(config, environment.device());
        LOG.info(environment.device().logLine("rank " + collective.rank(), "trains (MNTP)", options.computeType()));
        try (MntpModel model = load(config, mntp, options, modelDir, merged)) {
            Path tokenizer = modelDir.resolve("tokenizer.json");
            Masking masking = Masking.of(new ObjectMapper().readTree(tokenizer.toFile()), tokenizer.toString(),
                    model.encoder().config(), mntp.collatorType(), mntp.mlmProbability(), mntp.maskTokenType());
            if (collective.rank() == 0) {
                LOG.info("MNTP masking: {}, lm_head {}", masking, mntp.trainLmHead() ? "trained" : "frozen");
            }
            return SimCseTrainer.run(config, model, new MntpSteps(config, mntp, model, masking, facts), collective,
                    facts, environment.hadoop(), listener);
        }
    }

    /** The MNTP model of {@code config}: encoder with a new LoRA, and the LM head. */
    static MntpModel load(TrainConfig config, MntpSettings mntp, EncoderOptions options, Path modelDir, Path merged)
            throws IOException {
        MistralEncoder encoder = TrainingWorker.loadWithNewAdapter(config, options, modelDir, merged);
        try {
            LmHead head = LmHead.load(modelDir, encoder.config(), encoder.weights().get("norm.weight").getManager(),
                    mntp.trainLmHead(), mntp.lmHeadFromEmbeddings());
            return new MntpModel(encoder, head, ModelUris.display(config.modelNameOrPath()), mntp.saveLmHead());
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }
}
