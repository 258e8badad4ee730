package org.bg2vec.cli;

import org.bg2vec.encode.EmbedderFactories;
import org.bg2vec.encode.TextEmbedderFactory;
import org.bg2vec.model.Pooling;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The model options of encode and evaluate (a picocli mixin): directories as Hadoop URIs, llm2vec overrides. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "URI",
            description = "base model directory: any Hadoop path (hdfs:, s3a:, file:; a path without scheme is"
                    + " read from fs.defaultFS); fetched once per executor host into the model cache")
    String model;

    @Option(names = "--base-adapter", paramLabel = "URI",
            description = "PEFT adapter merged into the base first (e.g. the MNTP adapter the SimCSE adapter was"
                    + " trained on; repeatable, merged in order)")
    List<String> baseAdapters = new ArrayList<>();

    @Option(names = "--adapter", paramLabel = "URI",
            description = "LoRA adapter directory (PEFT format), any Hadoop path (evaluate: the trained model;"
                    + " without it only the base model is evaluated)")
    String adapter;

    @Option(names = "--max-length", paramLabel = "N",
            description = "maximum tokens per text, BOS and instruction included (default: max_length of the"
                    + " llm2vec_config.json of the last adapter that has one, else of the base model, else 512)")
    Integer maxLength;

    @Option(names = "--pooling", paramLabel = "MODE",
            description = "mean, weighted_mean, eos_token, last_token or bos_token (default: pooling_mode of the"
                    + " adapter's/base model's llm2vec_config.json, else mean)")
    String pooling;

    /**
     * The factory of the base model with the base adapters merged, plus {@code --adapter} when {@code withAdapter}.
     *
     * @throws IllegalArgumentException for a bad --max-length or --pooling
     */
    TextEmbedderFactory factory(boolean withAdapter) {
        if (maxLength != null && maxLength < 2) {
            throw new IllegalArgumentException("--max-length must be >= 2, got " + maxLength);
        }
        return EmbedderFactories.forModel(model, baseAdapters, withAdapter ? adapter : null, maxLength,
                pooling == null ? null : Pooling.parse(pooling));
    }
}
