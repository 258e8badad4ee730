package org.bg2vec.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.bg2vec.io.HadoopFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes an {@link EvalReport} as eval.json, eval.md and eval.png into a directory (local or any Hadoop path). */
public final class ReportFiles {

    public static final String JSON = "eval.json";
    public static final String MARKDOWN = "eval.md";
    public static final String PNG = "eval.png";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() {
    }

    /** Creates {@code dir} if needed and (over)writes the three report files in it. */
    public static void write(EvalReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        MAPPER.writeValue(dir.resolve(JSON).toFile(), report);
        Files.writeString(dir.resolve(MARKDOWN), ReportMarkdown.render(report), StandardCharsets.UTF_8);
        ReportChart.write(report, dir.resolve(PNG));
    }

    /**
     * Writes the three files into {@code output}, a directory on any Hadoop file system (created if needed): each
     * file is written locally, copied to a hidden temporary name next to its final one and renamed, so a reader
     * never sees a half-written report file.
     */
    public static void publish(EvalReport report, String output, Configuration conf) throws IOException {
        Path local = Files.createTempDirectory("bg2vec-eval-report");
        try {
            write(report, local);
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(output);
            FileSystem fs = HadoopFiles.fileSystem(dir, conf);
            fs.mkdirs(dir);
            for (String name : List.of(JSON, MARKDOWN, PNG)) {
                HadoopFiles.publish(fs, local.resolve(name), new org.apache.hadoop.fs.Path(dir, name));
            }
        } finally {
            HadoopFiles.deleteLocal(local);
        }
    }

    /** Reads an eval.json back. */
    public static EvalReport read(Path json) throws IOException {
        return MAPPER.readValue(json.toFile(), EvalReport.class);
    }
}
