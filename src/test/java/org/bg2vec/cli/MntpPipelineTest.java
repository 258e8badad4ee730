package org.bg2vec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.model.LoraAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole LLM2Vec recipe on the JVM with the tiny model: prepare the bundled sample, init-model, {@code mntp}
 * with conf/tiny-mntp.json (the masked next-token loss falls, validation reports accuracy and perplexity),
 * {@code train} SimCSE on top of the MNTP adapter ({@code peft_model_name_or_path}), evaluate base vs trained.
 */
class MntpPipelineTest {

    @Test
    void prepareMntpTrainEvaluate(@TempDir Path work) throws Exception {
        Path home = Paths.get("").toAbsolutePath();
        Path prepared = work.resolve("prepared");
        Path model = work.resolve("model");
        Path mntp = work.resolve("mntp");
        Path simcse = work.resolve("simcse");
        String master = "local[2]";
        run("prepare", "--input", home.resolve(DemoCommand.SAMPLE).toString(),
                "--index", home.resolve(DemoCommand.SAMPLE_INDEX).toString(),
                "--tokenizer", home.resolve(DemoCommand.TOKENIZER).toString(), "--output", prepared.toString(),
                "--overwrite", "--shards", "2", "--validation-fraction", "0.5", "--sample-mode", "passage",
                "--max-seq-length", "64", "--master", master);
        run("init-model", "--preset", "tiny", "--tokenizer", home.resolve(DemoCommand.TOKENIZER).toString(),
                "--output", model.toString(), "--seed", "42", "--force");
        run("mntp", "--config", home.resolve("conf/tiny-mntp.json").toString(), "--master", master, "--no-resume",
                "--set", "model_name_or_path=" + model, "--set", "train_data=" + prepared,
                "--set", "output_dir=" + mntp, "--set", "checkpoint_dir=" + mntp.resolve("checkpoints"),
                "--set", "max_steps=30", "--set", "stop_after_n_steps=30", "--set", "eval_steps=30");
        assertTrue(Files.size(mntp.resolve("adapter").resolve(LoraAdapter.WEIGHTS_FILE)) > 0);
        assertTrue(Files.size(mntp.resolve("loss.png")) > 0);
        List<JsonNode> train = new ArrayList<>();
        JsonNode eval = null;
        for (String line : Files.readAllLines(mntp.resolve("metrics.jsonl"))) {
            JsonNode n = new ObjectMapper().readTree(line);
            if ("train".equals(n.path("type").asText())) {
                train.add(n);
            } else if ("eval".equals(n.path("type").asText())) {
                eval = n;
            }
        }
        assertEquals(30, train.size());
        double first = mean(train.subList(0, 5));
        double last = mean(train.subList(25, 30));
        assertTrue(last < first - 0.5, "the MNTP loss falls: " + first + " -> " + last);
        assertTrue(eval != null && eval.path("accuracy").asDouble(-1) >= 0 && eval.path("perplexity").asDouble() > 1,
                "validation: " + eval);
        assertEquals(Math.exp(eval.path("loss").asDouble()), eval.path("perplexity").asDouble(),
                1e-6 * eval.path("perplexity").asDouble(), "perplexity = exp(mean validation loss)");

        run("train", "--config", home.resolve(DemoCommand.CONFIG).toString(), "--master", master, "--no-resume",
                "--workers", "1", "--set", "model_name_or_path=" + model,
                "--set", "peft_model_name_or_path=" + mntp.resolve("adapter"), "--set", "train_data=" + prepared,
                "--set", "output_dir=" + simcse, "--set", "checkpoint_dir=" + simcse.resolve("checkpoints"),
                "--set", "max_steps=3", "--set", "stop_after_n_steps=3");
        assertTrue(Files.size(simcse.resolve("adapter").resolve(LoraAdapter.WEIGHTS_FILE)) > 0);
        run("evaluate", "--model", model.toString(), "--adapter", simcse.resolve("adapter").toString(),
                "--data", prepared.toString(), "--output", work.resolve("eval").toString(), "--max-length", "128",
                "--master", master);
        JsonNode report = new ObjectMapper().readTree(work.resolve("eval/eval.json").toFile());
        assertEquals("[\"base\",\"trained\"]", report.path("models").toString());
    }

    private static void run(String... args) {
        assertEquals(0, Main.commandLine().execute(args), "bg2vec " + String.join(" ", args));
    }

    private static double mean(List<JsonNode> records) {
        return records.stream().mapToDouble(n -> n.path("loss").asDouble()).average().orElseThrow();
    }
}
