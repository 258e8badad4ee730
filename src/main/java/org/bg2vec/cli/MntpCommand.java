package org.bg2vec.cli;

import org.bg2vec.mntp.MntpConfig;
import org.bg2vec.mntp.MntpSettings;
import org.bg2vec.mntp.MntpWorker;
import org.bg2vec.train.TrainConfig;
import picocli.CommandLine.Command;

import java.io.IOException;

/**
 * {@code bg2vec mntp}: LLM2Vec's masked next token prediction as the same Spark barrier stage as {@code train}
 * (the options are {@code train}'s); the config adds MNTP's keys ({@link MntpConfig}).
 */
@Command(name = "mntp", mixinStandardHelpOptions = true,
        description = {"MNTP (masked next token prediction) LoRA training of the bidirectional model as a Spark barrier"
                + " stage: one worker per task, gradients summed through a CPU (TCP) or NCCL collective.",
                "Writes the adapter (for train's peft_model_name_or_path), metrics.jsonl, worker-metrics.jsonl and"
                        + " loss.png to output_dir; retries and resumes as train does."})
public final class MntpCommand extends TrainCommand {

    /** The shared training keys; the MNTP settings travel to the tasks inside the worker function. */
    @Override
    TrainConfig trainConfig() throws IOException {
        MntpConfig m;
        try {
            m = MntpConfig.of(readNode(config, overrides, workers, resume));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(config + (overrides.isEmpty() ? "" : " with --set " + overrides.keySet())
                    + ": " + e.getMessage(), e);
        }
        MntpSettings settings = m.mntp();
        worker = (c, collective, listener, environment) ->
                MntpWorker.run(c, settings, collective, listener, environment);
        return m.train();
    }
}
