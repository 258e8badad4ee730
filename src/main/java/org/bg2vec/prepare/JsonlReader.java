package org.bg2vec.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads WikiExtractor {@code --json} output: one object per line with {@code id}, {@code title}, {@code text}
 * (also {@code url}, {@code revid}). Lines that are not such objects become {@link Reasons#BAD_ROW} rejects
 * naming the line; blank lines are ignored.
 */
public final class JsonlReader implements RecordReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DumpSplit split;
    private final SplitInput input;
    private final BufferedReader lines;
    private long lineNo;

    public JsonlReader(DumpSplit split, SplitInput input) {
        this.split = split;
        this.input = input;
        this.lines = new BufferedReader(new InputStreamReader(input.utf8(), StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public SourceRecord next() throws IOException {
        String line;
        do {
            line = lines.readLine();
            lineNo++;
            if (line == null) {
                return null;
            }
        } while (line.isBlank());
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            return bad(null, null, "line " + lineNo + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            return bad(null, null, "line " + lineNo + " is not a JSON object");
        }
        String title = node.hasNonNull("title") ? node.get("title").asText() : null;
        JsonNode id = node.get("id");
        Long pageId = PlainText.parseId(id == null || id.isNull() ? null : id.isNumber() ? id.asLong() : id.asText());
        if (pageId == null) {
            return bad(null, title, "line " + lineNo + ": missing or invalid \"id\": " + id);
        }
        if (title == null || !node.hasNonNull("text")) {
            return bad(pageId, title, "line " + lineNo + ": missing \"title\" or \"text\" (fields found: "
                    + fieldNames(node) + ")");
        }
        return new SourceRecord.PlainArticle(pageId, title, node.get("text").asText());
    }

    private SourceRecord bad(Long id, String title, String detail) {
        return new SourceRecord.Rejected(new Reject(id, title, split.path(), Reasons.BAD_ROW, detail));
    }

    private static String fieldNames(JsonNode node) {
        StringBuilder b = new StringBuilder();
        node.fieldNames().forEachRemaining(f -> b.append(b.length() == 0 ? "" : ", ").append(f));
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
