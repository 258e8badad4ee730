package org.bg2vec.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Reads WikiExtractor {@code --json} output: one object per line with {@code id}, {@code title}, {@code text}
 * (also {@code url}, {@code revid}). Lines that are not such objects, and lines longer than the cap
 * ({@code --max-page-bytes}), become {@link Reasons#BAD_ROW} rejects naming the line and its byte offset (in the
 * uncompressed text); blank lines are ignored.
 */
public final class JsonlReader implements RecordReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DumpSplit split;
    private final SplitInput input;
    private final LineReader lines;
    private final long maxLineBytes;

    /** @param maxLineBytes longest line read; longer ones are skipped and rejected */
    public JsonlReader(DumpSplit split, SplitInput input, long maxLineBytes) {
        this.split = split;
        this.input = input;
        this.maxLineBytes = maxLineBytes;
        this.lines = new LineReader(input.utf8(), (int) Math.min(Integer.MAX_VALUE - 16, maxLineBytes));
    }

    @Override
    public SourceRecord next() throws IOException {
        LineReader.Line line;
        do {
            line = lines.next();
            if (line == null) {
                return null;
            }
        } while (!line.tooLong() && line.text().isBlank());
        String where = "line " + line.number() + " (byte " + line.offset() + ")";
        if (line.tooLong()) {
            return bad(null, null, where + ": longer than " + maxLineBytes + " bytes (" + line.bytes()
                    + "; --max-page-bytes), skipped");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line.text());
        } catch (IOException e) {
            return bad(null, null, where + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            return bad(null, null, where + " is not a JSON object");
        }
        String title = node.hasNonNull("title") ? node.get("title").asText() : null;
        JsonNode id = node.get("id");
        Long pageId = PlainText.parseId(id == null || id.isNull() ? null : id.isNumber() ? id.asLong() : id.asText());
        if (pageId == null) {
            return bad(null, title, where + ": missing or invalid \"id\": " + id);
        }
        if (title == null || !node.hasNonNull("text")) {
            return bad(pageId, title, where + ": missing \"title\" or \"text\" (fields found: "
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
