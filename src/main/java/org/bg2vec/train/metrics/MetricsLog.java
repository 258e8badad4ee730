package org.bg2vec.train.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.io.HadoopFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code output_dir/metrics.jsonl}: one JSON object per line, {@code "type":"train"} per step and
 * {@code "type":"eval"} per validation. Kept in memory and republished (copy + rename) on
 * {@link #flush()}, which works on every Hadoop file system. On resume the records after the
 * checkpoint's step (from an interrupted attempt) are dropped.
 */
public final class MetricsLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path file;
    private final List<ObjectNode> records = new ArrayList<>();

    public MetricsLog(String outputDir, Configuration conf, long resumeStep) throws IOException {
        Path dir = new Path(outputDir);
        this.fs = HadoopFiles.fileSystem(dir, conf);
        this.file = new Path(dir, "metrics.jsonl");
        if (resumeStep > 0 && fs.exists(file)) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        JsonNode n = JSON.readTree(line);
                        if (n instanceof ObjectNode o && n.path("step").asLong() <= resumeStep) {
                            records.add(o);
                        }
                    }
                }
            }
        }
    }

    public void train(StepMetrics m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "train");
        n.put("step", m.step());
        n.put("total_steps", m.totalSteps());
        n.put("epoch", m.epoch());
        n.put("loss", m.loss());
        n.put("lr", m.learningRate());
        n.put("grad_norm", m.gradNorm());
        n.put("loss_scale", m.lossScale());
        n.put("skipped", m.skipped());
        n.put("step_time_s", m.wallSeconds());
        n.put("samples", m.samples());
        n.put("tokens", m.tokens());
        n.put("samples_per_s", m.samples() / Math.max(1e-9, m.wallSeconds()));
        n.put("tokens_per_s", m.tokens() / Math.max(1e-9, m.wallSeconds()));
        var st = n.putArray("rank_step_time_s");
        for (float s : m.stepSeconds()) {
            st.add(s);
        }
        var ct = n.putArray("rank_collective_time_s");
        for (float s : m.collectiveSeconds()) {
            ct.add(s);
        }
        n.put("time", System.currentTimeMillis());
        records.add(n);
    }

    public void eval(long step, double loss, int batches) {
        eval(step, loss, batches, java.util.Map.of());
    }

    /** An eval record with further named metrics (e.g. MNTP's accuracy and perplexity). */
    public void eval(long step, double loss, int batches, java.util.Map<String, Double> more) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "eval");
        n.put("step", step);
        n.put("loss", loss);
        n.put("batches", batches);
        more.forEach(n::put);
        n.put("time", System.currentTimeMillis());
        records.add(n);
    }

    /** (step, loss) of the records of one type, in order. */
    public List<double[]> series(String type) {
        List<double[]> out = new ArrayList<>();
        for (ObjectNode n : records) {
            if (type.equals(n.path("type").asText()) && Double.isFinite(n.path("loss").asDouble(Double.NaN))) {
                out.add(new double[]{n.path("step").asDouble(), n.path("loss").asDouble()});
            }
        }
        return out;
    }

    /** Republishes the whole file. */
    public void flush() throws IOException {
        java.nio.file.Path tmp = Files.createTempFile("bg2vec-metrics-", ".jsonl");
        try {
            StringBuilder sb = new StringBuilder();
            for (ObjectNode n : records) {
                sb.append(JSON.writeValueAsString(n)).append('\n');
            }
            Files.writeString(tmp, sb);
            HadoopFiles.publish(fs, tmp, file);
        } finally {
            HadoopFiles.deleteLocal(tmp);
        }
    }
}
