package org.bg2vec.cli;

import org.bg2vec.mntp.MntpConfig;
import org.bg2vec.mntp.MntpSettings;
import org.bg2vec.mntp.MntpWorker;
import org.bg2vec.train.TrainConfig;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

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
        MntpConfig m = readMntpConfig(config, overrides, workers, resume);
        MntpSettings settings = m.mntp();
        worker = (c, collective, listener, environment) ->
                MntpWorker.run(c, settings, collective, listener, environment);
        objective = settings.planObjective();
        return m.train();
    }

    /** {@code config} as an MNTP config, with {@code --set} overrides, {@code --workers} and {@code --[no-]resume}. */
    static MntpConfig readMntpConfig(Path config, Map<String, String> overrides, Integer workers, Boolean resume)
            throws IOException {
        try {
            return MntpConfig.of(readNode(config, overrides, workers, resume));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(config + (overrides.isEmpty() ? "" : " with --set " + overrides.keySet())
                    + ": " + e.getMessage(), e);
        }
    }
}
