package org.bg2vec.eval;

import org.bg2vec.encode.HashingEmbedder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluationTest {

    static final List<TextPair> TRIPLES = List.of(
            new TextPair("столица на България", "София е столицата на България", "Варна е град на морето"),
            new TextPair("най-високият връх", "Мусала е най-високият връх", "Дунав е река"),
            new TextPair("река в Северна България", "Дунав е голяма река", "Рила е планина"),
            new TextPair("град на Черно море", "Бургас е град на Черно море", "Пловдив е древен град"));

    static float[][] vectors(HashingEmbedder e, List<String> texts) {
        return texts.stream().map(e::vector).toArray(float[][]::new);
    }

    @Test
    void metricsEqualDirectComputation() {
        EvalDataset d = EvalDatasets.fromPairs("triples", "mem", TRIPLES, 100);
        HashingEmbedder e = new HashingEmbedder(32, 9);
        Map<String, Double> got = new Evaluation(3).evaluate(d, e);

        List<String> q = TRIPLES.stream().map(TextPair::query).toList();
        List<String> p = TRIPLES.stream().map(TextPair::positive).toList();
        List<String> n = TRIPLES.stream().map(TextPair::negative).toList();
        // corpus = the 4 positives then the 4 negatives (all distinct), query i -> document i
        List<String> corpus = new java.util.ArrayList<>(p);
        corpus.addAll(n);
        RetrievalMetrics.Result r = RetrievalMetrics.evaluate(vectors(e, q), vectors(e, corpus), new int[]{0, 1, 2, 3});
        assertEquals(r.recallAt1(), got.get("recall_at_1"));
        assertEquals(r.recallAt10(), got.get("recall_at_10"));
        assertEquals(r.mrr(), got.get("mrr"));
        assertEquals(AlignmentUniformity.alignment(vectors(e, q), vectors(e, p)), got.get("alignment"));
        List<String> uni = new java.util.ArrayList<>(q);
        uni.addAll(p);
        assertEquals(AlignmentUniformity.uniformity(vectors(e, uni)), got.get("uniformity"));
        TripletMetrics.Result t = TripletMetrics.evaluate(vectors(e, q), vectors(e, p), vectors(e, n));
        assertEquals(t.meanMargin(), got.get("triplet_margin"));
        assertEquals(t.accuracy(), got.get("triplet_accuracy"));
    }

    @Test
    void reportFilesAreWellFormed(@TempDir Path dir) throws Exception {
        EvalDataset d = EvalDatasets.fromPairs("triples", "mem", TRIPLES, 100);
        EvalReport report = new Evaluation(2).run(List.of(d), List.of(
                new Evaluation.Model("base", new HashingEmbedder.Factory(8, 1)),
                new Evaluation.Model("trained", new HashingEmbedder.Factory(64, 2))));
        ReportFiles.write(report, dir);

        EvalReport back = ReportFiles.read(dir.resolve(ReportFiles.JSON));
        assertEquals(report, back);
        assertEquals(List.of("base", "trained"), back.models());
        assertEquals(7, back.datasets().get(0).metrics().get("trained").size());

        String md = Files.readString(dir.resolve(ReportFiles.MARKDOWN));
        assertTrue(md.contains("| metric | base | trained | change | verdict |"), md);
        EvalReport.DatasetResult d0 = report.datasets().get(0);
        double b = EvalReport.value(d0, "base", Metric.MRR);
        double t = EvalReport.value(d0, "trained", Metric.MRR);
        Interval bi = EvalReport.interval(d0, "base", Metric.MRR);
        Interval ti = EvalReport.interval(d0, "trained", Metric.MRR);
        Comparison c = EvalReport.change(d0, Metric.MRR);
        assertEquals(b, bi.estimate(), 1e-12);
        assertEquals(t - b, c.difference().estimate(), 1e-12);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT,
                "| MRR (higher is better) | %.4f [%.4f, %.4f] | %.4f [%.4f, %.4f] | %+.4f [%+.4f, %+.4f] | %s |",
                b, bi.lower(), bi.upper(), t, ti.lower(), ti.upper(), t - b, c.difference().lower(),
                c.difference().upper(), c.verdict().label())), md);
        assertTrue(md.contains("| uniformity (lower is better) | " + String.format(java.util.Locale.ROOT, "%.4f |",
                EvalReport.value(d0, "base", Metric.UNIFORMITY))), "uniformity has no interval: " + md);
        assertTrue(md.contains("2000 resamples, seed 42"), md);
        assertTrue(md.contains("Task: query -> positive"), md);
        assertEquals(2 + 7, md.lines().filter(l -> l.startsWith("|")).count(), md);
        assertEquals(6, d0.intervals().get("trained").size(), "every metric but uniformity has an interval");
        assertEquals(6, d0.changes().size());

        BufferedImage png = ImageIO.read(dir.resolve(ReportFiles.PNG).toFile());
        assertNotNull(png, "eval.png is a readable PNG");
        assertTrue(png.getWidth() > 100 && png.getHeight() > 100);
        assertFalse(Files.exists(dir.resolve("eval.png.png")));
    }

    @Test
    void identicalModelsAreNoSignificantChangeEverywhere(@TempDir Path dir) throws Exception {
        EvalDataset d = EvalDatasets.fromPairs("triples", "mem", TRIPLES, 100);
        EvalReport report = new Evaluation(2, new Bootstrap(500, 3, 0.95)).run(List.of(d), List.of(
                new Evaluation.Model("base", new HashingEmbedder.Factory(16, 4)),
                new Evaluation.Model("trained", new HashingEmbedder.Factory(16, 4))));
        EvalReport.DatasetResult r = report.datasets().get(0);
        for (Comparison c : r.changes().values()) {
            assertEquals(Verdict.NO_SIGNIFICANT_CHANGE, c.verdict(), r.changes().toString());
        }
        assertEquals(new Bootstrap(500, 3, 0.95), report.bootstrap());
        ReportFiles.write(report, dir);
        assertEquals(report, ReportFiles.read(dir.resolve(ReportFiles.JSON)));
        String md = Files.readString(dir.resolve(ReportFiles.MARKDOWN));
        assertEquals(6, md.lines().filter(l -> l.endsWith("| no significant change |")).count(), md);
        assertTrue(md.contains("500 resamples, seed 3"), md);
    }
}
