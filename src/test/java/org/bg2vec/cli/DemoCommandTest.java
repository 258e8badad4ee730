package org.bg2vec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.eval.Bootstrap;
import org.bg2vec.eval.Comparison;
import org.bg2vec.eval.EvalReport;
import org.bg2vec.eval.Interval;
import org.bg2vec.eval.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

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
        // step 1 runs the initial model, so its loss is the full demo's: cropped views make it non-trivial
        JsonNode first = new ObjectMapper().readTree(metrics.stream().filter(l -> l.contains("\"type\":\"train\""))
                .findFirst().orElseThrow());
        assertEquals(1, first.path("step").asLong());
        assertTrue(first.path("loss").asDouble() >= 0.5, "loss at step 1: " + first);
        png(work.resolve("simcse/loss.png"));

        JsonNode before = new ObjectMapper().readTree(work.resolve("eval-before/eval.json").toFile());
        assertEquals("[\"base\"]", before.path("models").toString());
        JsonNode after = new ObjectMapper().readTree(work.resolve("eval/eval.json").toFile());
        assertEquals("[\"base\",\"trained\"]", after.path("models").toString());
        JsonNode validation = after.path("datasets").get(0);
        assertTrue(validation.path("counts").path("queries").asLong() >= 50, validation.path("counts").toString());
        JsonNode halves = after.path("datasets").get(1);
        assertEquals("validation-halves", halves.path("name").asText());
        assertTrue(halves.path("counts").path("queries").asLong() >= 100, halves.path("counts").toString());
        for (JsonNode d : List.of(validation, halves)) {
            JsonNode mrr = d.path("changes").path("mrr");
            assertTrue(mrr.path("difference").path("lower").asDouble() <= mrr.path("difference").path("upper")
                    .asDouble(), mrr.toString());
            assertTrue(mrr.path("verdict").isTextual(), mrr.toString());
            assertTrue(d.path("intervals").path("trained").has("recall_at_1"), d.toString());
        }
        assertEquals(2000, after.path("bootstrap").path("resamples").asInt());
        JsonNode metricsByModel = validation.path("metrics");
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

    private static EvalReport report(Interval change, Verdict verdict) {
        EvalReport.DatasetResult d = new EvalReport.DatasetResult("validation", "v", "title -> lead",
                Map.of("queries", 66L), Map.of("base", Map.of("mrr", 0.25), "trained", Map.of("mrr", 0.41)),
                Map.of(), Map.of("mrr", new Comparison(change, verdict)));
        return new EvalReport(List.of("base", "trained"), Map.of(), List.of(d), Bootstrap.defaults(), Map.of());
    }

    @Test
    void theSummarySaysPlainlyWhetherTitleToLeadImproved() {
        String better = DemoCommand.titleLeadVerdict(report(new Interval(0.16, 0.09, 0.24), Verdict.BETTER));
        assertEquals("Title -> lead retrieval: the trained model is significantly better than the random init (MRR"
                + " 0.2500 -> 0.4100, change +0.1600, 95% interval [+0.0900, +0.2400], 66 queries).", better);
        String none = DemoCommand.titleLeadVerdict(report(new Interval(0.16, -0.01, 0.3),
                Verdict.NO_SIGNIFICANT_CHANGE));
        assertTrue(none.startsWith("Title -> lead retrieval: training did NOT improve significantly"), none);
        String worse = DemoCommand.titleLeadVerdict(report(new Interval(-0.16, -0.3, -0.01), Verdict.WORSE));
        assertTrue(worse.contains("significantly WORSE"), worse);
    }

    @Test
    void theLossLineReadsRankZerosMetrics(@TempDir Path dir) throws Exception {
        Path m = dir.resolve("metrics.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int step = 1; step <= 12; step++) {
            sb.append("{\"type\":\"train\",\"step\":").append(step).append(",\"loss\":").append(step <= 2 ? 4.0 : 2.0)
                    .append("}\n");
            if (step == 6) {
                sb.append("{\"type\":\"eval\",\"step\":6,\"loss\":9.0}\n");
            }
        }
        Files.writeString(m, sb.toString());
        assertEquals("Training loss: 4.0000 at step 1, 2.0000 at step 12 (mean of the last 10 steps).",
                DemoCommand.lossLine(m));
    }
}
