package org.bg2vec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's first command end to end (few steps): every stage's outputs exist and are well-formed. */
class DemoCommandTest {

    @Test
    void demoRunsThePipelineOnTheBundledSample(@TempDir Path work) throws Exception {
        Path home = Paths.get("").toAbsolutePath();
        int code = Main.commandLine().execute("demo", "--home", home.toString(), "--work-dir", work.toString(),
                "--steps", "3");
        assertEquals(0, code);

        JsonNode manifest = new ObjectMapper().readTree(work.resolve("prepared/manifest.json").toFile());
        assertTrue(manifest.path("splits").path("train").path("samples").asLong() > 0, manifest.toString());
        assertTrue(Files.isRegularFile(work.resolve("model/config.json")));
        assertTrue(Files.isRegularFile(work.resolve("model/tokenizer.json")));
        for (String f : List.of("adapter_config.json", "adapter_model.safetensors", "llm2vec_config.json")) {
            assertTrue(Files.size(work.resolve("simcse/adapter").resolve(f)) > 0, f);
        }
        List<String> metrics = Files.readAllLines(work.resolve("simcse/metrics.jsonl"));
        assertTrue(metrics.stream().filter(l -> l.contains("\"loss\"")).count() >= 3, String.join("\n", metrics));
        png(work.resolve("simcse/loss.png"));

        JsonNode before = new ObjectMapper().readTree(work.resolve("eval-before/eval.json").toFile());
        assertEquals("[\"base\"]", before.path("models").toString());
        JsonNode after = new ObjectMapper().readTree(work.resolve("eval/eval.json").toFile());
        assertEquals("[\"base\",\"trained\"]", after.path("models").toString());
        JsonNode metricsByModel = after.path("datasets").get(0).path("metrics");
        for (String model : List.of("base", "trained")) {
            double r1 = metricsByModel.path(model).path("recall_at_1").asDouble(-1);
            assertTrue(r1 >= 0 && r1 <= 1, model + " recall@1 " + r1);
        }
        assertTrue(Files.readString(work.resolve("eval/eval.md")).contains("| trained |"));
        png(work.resolve("eval/eval.png"));
    }

    static void png(Path p) throws Exception {
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, p + " is not an image");
        assertTrue(img.getWidth() > 100 && img.getHeight() > 100, p.toString());
    }
}
