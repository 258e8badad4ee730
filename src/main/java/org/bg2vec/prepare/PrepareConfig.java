package org.bg2vec.prepare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every option of {@code bg2vec prepare}, validated once at construction. Written into
 * {@code manifest.json} under {@code config}.
 *
 * @param inputs             dump/Parquet/JSONL paths (any Hadoop FS URI or local path)
 * @param format             input format, {@link InputFormat#AUTO} to judge each file by its name
 * @param indexes            multistream {@code -index.txt(.bz2)} files, paired with the XML inputs by name
 * @param tokenizer          path of the model's {@code tokenizer.json}
 * @param output             output directory
 * @param overwrite          replace an existing output directory
 * @param maxSeqLength       ids per sample at most, BOS included
 * @param sampleMode         article or passage samples
 * @param minTokens          samples with fewer tokens (BOS excluded) are dropped
 * @param minCyrillic        minimum share of Cyrillic letters among letters (0 turns the filter off)
 * @param validationFraction share of pages (by page-id hash) that go to validation
 * @param seed               seed of the global shuffle (and of the near-duplicate hashing)
 * @param shards             Parquet files per split
 * @param nearDup            remove near-duplicates with MinHashLSH over word 5-grams
 * @param nearDupThreshold   Jaccard similarity at or above which two samples are near-duplicates
 * @param maxPageBytes       pages whose XML is larger are rejected
 * @param dropSections       section headings whose content is dropped (footer sections)
 * @param master             Spark master ({@code null}: spark-submit's or local[*])
 * @param sparkConf          extra Spark settings (values of secret-looking keys are redacted in the manifest)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PrepareConfig(
        @JsonProperty("inputs") List<String> inputs,
        @JsonProperty("format") InputFormat format,
        @JsonProperty("indexes") List<String> indexes,
        @JsonProperty("tokenizer") String tokenizer,
        @JsonProperty("output") String output,
        @JsonProperty("overwrite") boolean overwrite,
        @JsonProperty("max_seq_length") int maxSeqLength,
        @JsonProperty("sample_mode") SampleMode sampleMode,
        @JsonProperty("min_tokens") int minTokens,
        @JsonProperty("min_cyrillic") double minCyrillic,
        @JsonProperty("validation_fraction") double validationFraction,
        @JsonProperty("seed") long seed,
        @JsonProperty("shards") int shards,
        @JsonProperty("near_dup") boolean nearDup,
        @JsonProperty("near_dup_threshold") double nearDupThreshold,
        @JsonProperty("max_page_bytes") long maxPageBytes,
        @JsonProperty("drop_sections") List<String> dropSections,
        @JsonProperty("master") String master,
        @JsonProperty("spark_conf") Map<String, String> sparkConf) implements Serializable {

    public static final int DEFAULT_MAX_SEQ_LENGTH = 128;
    public static final int DEFAULT_MIN_TOKENS = 8;
    public static final double DEFAULT_MIN_CYRILLIC = 0.6;
    public static final double DEFAULT_VALIDATION_FRACTION = 0.05;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_SHARDS = 4;
    public static final double DEFAULT_NEAR_DUP_THRESHOLD = 0.8;
    public static final long DEFAULT_MAX_PAGE_BYTES = 4L << 20;

    public PrepareConfig {
        inputs = List.copyOf(require(inputs, "inputs"));
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("at least one --input is required");
        }
        format = format == null ? InputFormat.AUTO : format;
        indexes = indexes == null ? List.of() : List.copyOf(indexes);
        require(tokenizer, "tokenizer (--tokenizer path/to/tokenizer.json)");
        require(output, "output (--output dir)");
        sampleMode = sampleMode == null ? SampleMode.ARTICLE : sampleMode;
        check(maxSeqLength >= 8 && maxSeqLength <= 1 << 20, "max_seq_length must be in [8, 1048576], got " + maxSeqLength);
        check(minTokens >= 0 && minTokens < maxSeqLength,
                "min_tokens must be in [0, max_seq_length), got " + minTokens);
        check(minCyrillic >= 0 && minCyrillic <= 1, "min_cyrillic must be in [0, 1], got " + minCyrillic);
        check(validationFraction >= 0 && validationFraction < 1,
                "validation_fraction must be in [0, 1), got " + validationFraction);
        check(shards >= 1 && shards <= 100_000, "shards must be in [1, 100000], got " + shards);
        check(nearDupThreshold > 0 && nearDupThreshold <= 1,
                "near_dup_threshold must be in (0, 1], got " + nearDupThreshold);
        check(maxPageBytes >= 1024, "max_page_bytes must be >= 1024, got " + maxPageBytes);
        dropSections = dropSections == null ? null : List.copyOf(dropSections);
        sparkConf = sparkConf == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(sparkConf));
    }

    /** A builder starting from the defaults (inputs, tokenizer and output must be set). */
    public static Builder builder() {
        return new Builder();
    }

    /** This config with secret-looking Spark settings redacted, for the manifest. */
    public PrepareConfig redactedForManifest() {
        return new PrepareConfig(inputs, format, indexes, tokenizer, output, overwrite, maxSeqLength,
                sampleMode, minTokens, minCyrillic, validationFraction, seed, shards, nearDup, nearDupThreshold,
                maxPageBytes, dropSections, master, redacted(sparkConf));
    }

    /** Mutable builder for {@link PrepareConfig}; {@link #build()} validates. */
    public static final class Builder {
        private List<String> inputs = List.of();
        private InputFormat format = InputFormat.AUTO;
        private List<String> indexes = List.of();
        private String tokenizer;
        private String output;
        private boolean overwrite;
        private int maxSeqLength = DEFAULT_MAX_SEQ_LENGTH;
        private SampleMode sampleMode = SampleMode.ARTICLE;
        private int minTokens = DEFAULT_MIN_TOKENS;
        private double minCyrillic = DEFAULT_MIN_CYRILLIC;
        private double validationFraction = DEFAULT_VALIDATION_FRACTION;
        private long seed = DEFAULT_SEED;
        private int shards = DEFAULT_SHARDS;
        private boolean nearDup;
        private double nearDupThreshold = DEFAULT_NEAR_DUP_THRESHOLD;
        private long maxPageBytes = DEFAULT_MAX_PAGE_BYTES;
        private List<String> dropSections;
        private String master;
        private Map<String, String> sparkConf = Map.of();

        public Builder inputs(List<String> v) { inputs = v; return this; }
        public Builder format(InputFormat v) { format = v; return this; }
        public Builder indexes(List<String> v) { indexes = v; return this; }
        public Builder tokenizer(String v) { tokenizer = v; return this; }
        public Builder output(String v) { output = v; return this; }
        public Builder overwrite(boolean v) { overwrite = v; return this; }
        public Builder maxSeqLength(int v) { maxSeqLength = v; return this; }
        public Builder sampleMode(SampleMode v) { sampleMode = v; return this; }
        public Builder minTokens(int v) { minTokens = v; return this; }
        public Builder minCyrillic(double v) { minCyrillic = v; return this; }
        public Builder validationFraction(double v) { validationFraction = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder shards(int v) { shards = v; return this; }
        public Builder nearDup(boolean v) { nearDup = v; return this; }
        public Builder nearDupThreshold(double v) { nearDupThreshold = v; return this; }
        public Builder maxPageBytes(long v) { maxPageBytes = v; return this; }
        public Builder dropSections(List<String> v) { dropSections = v; return this; }
        public Builder master(String v) { master = v; return this; }
        public Builder sparkConf(Map<String, String> v) { sparkConf = v; return this; }

        public PrepareConfig build() {
            return new PrepareConfig(inputs, format, indexes, tokenizer, output, overwrite, maxSeqLength,
                    sampleMode, minTokens, minCyrillic, validationFraction, seed, shards, nearDup,
                    nearDupThreshold, maxPageBytes, dropSections, master, sparkConf);
        }
    }

    private static <T> T require(T v, String what) {
        if (v == null || (v instanceof String s && s.isBlank())) {
            throw new IllegalArgumentException("missing " + what);
        }
        return v;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static Map<String, String> redacted(Map<String, String> conf) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : conf.entrySet()) {
            String k = e.getKey().toLowerCase(Locale.ROOT);
            boolean secret = k.contains("secret") || k.contains("password") || k.contains("token")
                    || k.contains("credential") || k.endsWith(".key") || k.contains("access.key");
            out.put(e.getKey(), secret ? "*****" : e.getValue());
        }
        return out;
    }
}
