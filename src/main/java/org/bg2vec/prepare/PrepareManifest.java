package org.bg2vec.prepare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.bg2vec.format.PreparedData;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a prepared dataset: what went in, with which settings and tokenizer, what came out
 * (files and sample counts per split), what was left out and why, and how long each phase took. The trainer and
 * the evaluator read it with {@link #read(InputStream)}.
 *
 * <p>The layout of a prepared dataset (file names, columns, format version) is {@link PreparedData}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PrepareManifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("bg2vec_version") String bg2vecVersion,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("inputs") List<Input> inputs,
        @JsonProperty("config") PrepareConfig config,
        @JsonProperty("tokenizer") Tokenizer tokenizer,
        @JsonProperty("max_seq_length") int maxSeqLength,
        @JsonProperty("sample_mode") SampleMode sampleMode,
        @JsonProperty("splits") Splits splits,
        @JsonProperty("skipped") Map<String, Long> skipped,
        @JsonProperty("rejects") long rejects,
        @JsonProperty("timing") Map<String, Double> timing) {

    /** File name inside the output directory. */
    public static final String FILE_NAME = PreparedData.MANIFEST;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public PrepareManifest {
        String version = PreparedData.versionProblem(formatVersion);
        if (version != null) {
            throw new IllegalArgumentException(version);
        }
        if (splits == null || splits.train() == null || splits.validation() == null) {
            throw new IllegalArgumentException("manifest has no splits.train / splits.validation");
        }
        if (tokenizer == null || tokenizer.sha256() == null) {
            throw new IllegalArgumentException("manifest has no tokenizer.sha256");
        }
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        skipped = skipped == null ? Map.of() : skipped;
        timing = timing == null ? Map.of() : timing;
    }

    /**
     * One input.
     *
     * @param records pages (XML) or rows (Parquet, JSONL) read from it
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Input(@JsonProperty("path") String path, @JsonProperty("bytes") long bytes,
                        @JsonProperty("format") InputFormat format, @JsonProperty("records") long records) {
    }

    /** The tokenizer the ids were made with: a model whose tokenizer has another sha256 needs new data. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tokenizer(@JsonProperty("sha256") String sha256, @JsonProperty("vocab_size") int vocabSize,
                            @JsonProperty("path") String path) {
    }

    /** Both splits. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Splits(@JsonProperty("train") Split train, @JsonProperty("validation") Split validation) {
    }

    /**
     * One split.
     *
     * @param files shard paths relative to the dataset directory, in order
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Split(@JsonProperty("samples") long samples, @JsonProperty("files") List<String> files) {
    }

    /**
     * The manifest of a finished run, stamped with this bg2vec's version and the current time.
     *
     * @param skipped what was left out, by reason
     * @param timing  seconds per phase, then {@code total}
     */
    public static PrepareManifest of(PrepareConfig config, List<Input> inputs, Tokenizer tokenizer, Splits splits,
                                     Map<String, Long> skipped, long rejects, Map<String, Double> timing) {
        String version = PrepareManifest.class.getPackage().getImplementationVersion();
        return new PrepareManifest(PreparedData.FORMAT_VERSION, version == null ? "development" : version,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), inputs, config.redactedForManifest(),
                tokenizer, config.maxSeqLength(), config.sampleMode(), splits, skipped, rejects, timing);
    }

    /** Reads and validates a manifest. */
    public static PrepareManifest read(InputStream in) throws IOException {
        return JSON.readValue(in, PrepareManifest.class);
    }

    /** Writes the manifest as indented JSON. */
    public void write(OutputStream out) throws IOException {
        JSON.writeValue(out, this);
    }

    /** The manifest as indented JSON text. */
    public String toJson() throws IOException {
        return JSON.writeValueAsString(this);
    }
}
