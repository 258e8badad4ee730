package org.bg2vec.encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.model.Pooling;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How texts are encoded, as llm2vec 0.2.2 encodes them for a saved model: {@code max_length} (tokens per row,
 * BOS and instruction included), {@code doc_max_length} (texts longer than this many tokens are cut to whole words
 * first), {@code pooling_mode} and {@code skip_instruction}, plus the base model's {@code _name_or_path} (which
 * selects llm2vec's chat template for a few instruct models).
 *
 * <p>Resolution (once, on the driver, for encode, evaluate and the Java {@link Encoder} API alike): the
 * {@value #FILE} of the last adapter that has one, else the base model directory's, else llm2vec's defaults
 * (512, 400, mean, true); keys missing from the file take the defaults; an explicit {@code --max-length} or
 * {@code --pooling} overrides the file. llm2vec's {@code LLM2Vec.from_pretrained} reads the file of the adapter
 * it is given (else of the base); bg2vec adapters always carry one, so both sides agree.
 *
 * @param maxLength       tokens per row, special prefix (BOS) and instruction included
 * @param docMaxLength    longer texts are cut to {@code floor(words × docMaxLength / tokens)} words, repeatedly
 * @param pooling         how token states are pooled
 * @param skipInstruction pool only the text's tokens (true) or every attended token (false)
 * @param baseNameOrPath  {@code _name_or_path} of the base model's config.json ("" when absent)
 * @param source          where the values came from, in words
 */
public record Llm2VecSettings(int maxLength, int docMaxLength, Pooling pooling, boolean skipInstruction,
                              String baseNameOrPath, String source) implements java.io.Serializable {

    /** The file llm2vec reads these settings from. */
    public static final String FILE = "llm2vec_config.json";
    /** llm2vec's {@code LLM2Vec.__init__} defaults. */
    public static final int DEFAULT_MAX_LENGTH = 512;
    public static final int DEFAULT_DOC_MAX_LENGTH = 400;

    public Llm2VecSettings {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max_length must be >= 2, got " + maxLength + " (" + source + ")");
        }
        if (docMaxLength < 1) {
            throw new IllegalArgumentException("doc_max_length must be >= 1, got " + docMaxLength + " (" + source + ")");
        }
        baseNameOrPath = baseNameOrPath == null ? "" : baseNameOrPath;
    }

    /**
     * @param model              the base model directory (path or Hadoop URI)
     * @param adapters           adapter directories in merge order
     * @param maxLengthOverride  {@code --max-length}, or null to take the file's
     * @param poolingOverride    {@code --pooling}, or null to take the file's
     */
    public static Llm2VecSettings resolve(String model, List<String> adapters, Integer maxLengthOverride,
                                          Pooling poolingOverride, Configuration hadoop) {
        List<String> order = new ArrayList<>(adapters);
        java.util.Collections.reverse(order);
        order.add(model);
        JsonNode file = null;
        String from = "bg2vec's defaults (llm2vec's: no " + FILE + " in the adapters or the base model)";
        for (String dir : order) {
            file = readJson(dir, FILE, hadoop);
            if (file != null) {
                from = FILE + " of " + dir;
                break;
            }
        }
        JsonNode base = readJson(model, "config.json", hadoop);
        String name = base == null ? "" : base.path("_name_or_path").asText("");
        int maxLength = intOf(file, "max_length", DEFAULT_MAX_LENGTH, from);
        Pooling pooling = file != null && file.hasNonNull("pooling_mode") ? parsePooling(file, from) : Pooling.MEAN;
        List<String> overridden = new ArrayList<>();
        if (maxLengthOverride != null) {
            maxLength = maxLengthOverride;
            overridden.add("--max-length " + maxLengthOverride);
        }
        if (poolingOverride != null) {
            pooling = poolingOverride;
            overridden.add("--pooling " + poolingOverride.llm2vecName());
        }
        return new Llm2VecSettings(maxLength, intOf(file, "doc_max_length", DEFAULT_DOC_MAX_LENGTH, from), pooling,
                file == null || !file.has("skip_instruction") || file.get("skip_instruction").asBoolean(true), name,
                from + (overridden.isEmpty() ? "" : ", overridden by " + String.join(" and ", overridden)));
    }

    /** One line for the logs, e.g. {@code max_length 128, doc_max_length 400, pooling_mode mean, ...}. */
    public String describe() {
        return "max_length " + maxLength + ", doc_max_length " + docMaxLength + ", pooling_mode "
                + pooling.llm2vecName() + ", skip_instruction " + skipInstruction + " (" + source + ")";
    }

    /** The values under llm2vec's key names, for reports. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_length", maxLength);
        m.put("doc_max_length", docMaxLength);
        m.put("pooling_mode", pooling.llm2vecName());
        m.put("skip_instruction", skipInstruction);
        m.put("source", source);
        return m;
    }

    private static Pooling parsePooling(JsonNode file, String from) {
        try {
            return Pooling.parse(file.get("pooling_mode").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(from + ": " + e.getMessage(), e);
        }
    }

    private static int intOf(JsonNode file, String key, int dflt, String from) {
        if (file == null || !file.hasNonNull(key)) {
            return dflt;
        }
        JsonNode v = file.get(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(from + ": " + key + " must be an integer, got " + v);
        }
        return v.asInt();
    }

    /** {@code dir/name} parsed, or null when it does not exist. */
    private static JsonNode readJson(String dir, String name, Configuration hadoop) {
        Path p = new Path(new Path(dir), name);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) {
                return null;
            }
            try (InputStream in = fs.open(p)) {
                return new ObjectMapper().readTree(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
