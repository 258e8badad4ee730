package org.bg2vec.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes an {@link EvalReport} as eval.json, eval.md and eval.png into a directory. */
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

    /** Reads an eval.json back. */
    public static EvalReport read(Path json) throws IOException {
        return MAPPER.readValue(json.toFile(), EvalReport.class);
    }
}
