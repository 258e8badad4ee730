package org.bg2vec.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the per-rank summaries the driver collected ({@code output_dir/worker-metrics.jsonl}, one JSON
 * line per rank of the successful attempt): host, GPU, steps, time in collectives, step times.
 */
final class WorkerMetrics {

    static final String FILE = "worker-metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerMetrics() {
    }

    static Path write(String outputDir, Configuration hadoop, List<WorkerSummary> summaries) throws IOException {
        Path file = new Path(outputDir, FILE);
        FileSystem fs = file.getFileSystem(hadoop);
        StringBuilder sb = new StringBuilder();
        for (WorkerSummary w : summaries) {
            ObjectNode n = JSON.createObjectNode();
            n.put("rank", w.rank());
            n.put("attempt", w.attempt());
            n.put("host", w.host());
            n.put("gpu", w.gpu());
            n.put("steps", w.steps());
            n.put("steps_run", w.stepsRun());
            n.put("collective_time_s", w.collectiveSeconds());
            n.put("step_time_mean_s", w.stepsRun() == 0 ? null : w.meanStepSeconds());
            n.put("step_time_max_s", w.maxStepSeconds());
            var times = n.putArray("step_times_s");
            for (double t : w.stepSeconds()) {
                times.add(t);
            }
            n.put("resumed_from", w.resumedFrom());
            sb.append(JSON.writeValueAsString(n)).append('\n');
        }
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}
