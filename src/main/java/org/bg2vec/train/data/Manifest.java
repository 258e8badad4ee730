package org.bg2vec.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.format.PreparedData;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code DIR/manifest.json} of prepared data (written by {@code prepare}), read through Hadoop
 * {@link FileSystem} so DIR may be a local path or an hdfs:/s3a: URI.
 *
 * @param dir          the data directory
 * @param tokenizerSha256 lower-case hex SHA-256 of the tokenizer.json used to tokenize
 * @param vocabSize    tokenizer vocabulary size
 * @param maxSeqLength longest token sequence in the data (BOS included)
 * @param splits       split name → its sample count and Parquet files (absolute)
 */
public record Manifest(Path dir, String tokenizerSha256, int vocabSize, int maxSeqLength, Map<String, Split> splits) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A split: declared sample count and its files. */
    public record Split(long samples, List<Path> files) {
    }

    public static Manifest read(String dir, Configuration conf) throws IOException {
        Path d = new Path(dir);
        Path file = new Path(d, PreparedData.MANIFEST);
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) {
            throw new IOException("no manifest.json in " + dir + ": train_data must be a directory written by 'bg2vec prepare'");
        }
        JsonNode root;
        try (InputStream in = fs.open(file)) {
            root = JSON.readTree(in);
        }
        String version = PreparedData.versionProblem(root.path("format_version").asInt(-1));
        if (version != null) {
            throw new IOException(file + ": " + version);
        }
        JsonNode tok = root.path("tokenizer");
        String sha = tok.path("sha256").asText("");
        if (sha.isEmpty()) {
            throw new IOException(file + ": tokenizer.sha256 is missing");
        }
        int maxLen = root.path("max_seq_length").asInt(-1);
        if (maxLen < 1) {
            throw new IOException(file + ": max_seq_length is missing or not positive");
        }
        Map<String, Split> splits = new LinkedHashMap<>();
        for (var it = root.path("splits").fields(); it.hasNext(); ) {
            var e = it.next();
            List<Path> files = new ArrayList<>();
            for (JsonNode f : e.getValue().path("files")) {
                files.add(new Path(d, f.asText()));
            }
            splits.put(e.getKey(), new Split(e.getValue().path("samples").asLong(-1), List.copyOf(files)));
        }
        return new Manifest(d, sha.toLowerCase(java.util.Locale.ROOT), tok.path("vocab_size").asInt(-1), maxLen,
                Map.copyOf(splits));
    }

    /** The split, or a clear error naming the ones present. */
    public Split split(String name) throws IOException {
        Split s = splits.get(name);
        if (s == null || s.files().isEmpty()) {
            throw new IOException(dir + "/manifest.json has no '" + name + "' split with files (splits: "
                    + splits.keySet() + ")");
        }
        return s;
    }

    /**
     * Refuses data that the model cannot use: tokenized with another tokenizer, or longer than the
     * configured {@code max_seq_length}.
     */
    public void checkCompatible(String modelTokenizerSha256, int configMaxSeqLength) {
        if (modelTokenizerSha256 != null && !tokenizerSha256.equalsIgnoreCase(modelTokenizerSha256)) {
            throw new IllegalArgumentException("the data in " + dir + " was tokenized with a tokenizer.json of sha256 "
                    + tokenizerSha256 + " but the model's tokenizer.json has sha256 " + modelTokenizerSha256
                    + ": re-run 'bg2vec prepare' with the model's tokenizer");
        }
        if (maxSeqLength > configMaxSeqLength) {
            throw new IllegalArgumentException("the data in " + dir + " has max_seq_length " + maxSeqLength
                    + " but the config's max_seq_length is " + configMaxSeqLength
                    + ": raise max_seq_length in the config or re-run 'bg2vec prepare' with a shorter length");
        }
    }
}
