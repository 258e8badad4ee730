package org.bg2vec.train.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.bg2vec.format.PreparedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes prepared data the way {@code prepare} does (Spark's Parquet layout for array<int>, a
 * manifest.json) for tests: synthetic token samples, BOS (1) first, ids in [3, vocab).
 */
public final class TestShards {

    /** parquet-mr's default page row limit. */
    private static final int DEFAULT_PAGE_ROWS = 20_000;

    public static final String SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message spark_schema {
              required int64 sample_id;
              required int64 page_id;
              optional binary title (STRING);
              optional binary lead (STRING);
              optional binary query (STRING);
              optional binary positive (STRING);
              optional group query_ids (LIST) { repeated group list { optional int32 element; } }
              optional group positive_ids (LIST) { repeated group list { optional int32 element; } }
            }""");

    private TestShards() {
    }

    /** Random samples: lengths in [2, maxLen], both views the same ids (unsupervised SimCSE). */
    public static List<int[]> randomSamples(int n, int vocab, int maxLen, long seed) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = new int[2 + r.nextInt(maxLen - 1)];
            ids[0] = 1;
            for (int j = 1; j < ids.length; j++) {
                ids[j] = 3 + r.nextInt(vocab - 3);
            }
            out.add(ids);
        }
        return out;
    }

    /** Writes {@code train} (and {@code validation} if non-null) into {@code files} shards each, plus manifest.json. */
    public static Path write(Path dir, List<int[]> train, List<int[]> validation, int files, int vocab, int maxLen)
            throws IOException {
        return write(dir, train, validation, files, vocab, maxLen, SHA);
    }

    /** As {@link #write(Path, List, List, int, int, int)}, declaring the tokenizer SHA-256 {@code tokenizerSha}. */
    public static Path write(Path dir, List<int[]> train, List<int[]> validation, int files, int vocab, int maxLen,
                             String tokenizerSha) throws IOException {
        return write(dir, train, validation, files, vocab, maxLen, tokenizerSha, DEFAULT_PAGE_ROWS);
    }

    /** As {@link #write(Path, List, List, int, int, int)}, with Parquet pages of at most {@code pageRows} rows. */
    public static Path write(Path dir, List<int[]> train, List<int[]> validation, int files, int vocab, int maxLen,
                             int pageRows) throws IOException {
        return write(dir, train, validation, files, vocab, maxLen, SHA, pageRows);
    }

    private static Path write(Path dir, List<int[]> train, List<int[]> validation, int files, int vocab, int maxLen,
                              String tokenizerSha, int pageRows) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("format_version", PreparedData.FORMAT_VERSION);
        m.putObject("tokenizer").put("sha256", tokenizerSha).put("vocab_size", vocab).put("path", "tokenizer.json");
        m.put("max_seq_length", maxLen);
        ObjectNode splits = m.putObject("splits");
        writeSplit(dir, PreparedData.TRAIN, train, files, splits, 0, pageRows);
        if (validation != null) {
            writeSplit(dir, PreparedData.VALIDATION, validation, 1, splits, 1_000_000, pageRows);
        }
        Files.writeString(dir.resolve(PreparedData.MANIFEST), json.writeValueAsString(m));
        return dir;
    }

    private static void writeSplit(Path dir, String split, List<int[]> samples, int files, ObjectNode splits,
                                   long firstId, int pageRows) throws IOException {
        ObjectNode s = splits.putObject(split);
        s.put("samples", samples.size());
        ArrayNode names = s.putArray("files");
        Files.createDirectories(dir.resolve(split));
        SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
        int per = (samples.size() + files - 1) / files;
        for (int k = 0; k < files; k++) {
            String name = split + "/part-" + k + ".parquet";
            names.add(name);
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir.resolve(name).toUri());
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(p).withType(SCHEMA)
                    .withConf(new Configuration()).withPageRowCountLimit(pageRows).build()) {
                for (int i = k * per; i < Math.min(samples.size(), (k + 1) * per); i++) {
                    w.write(row(f, firstId + i, samples.get(i)));
                }
            }
        }
    }

    static Group row(SimpleGroupFactory f, long id, int[] ids) {
        Group g = f.newGroup().append(PreparedData.SAMPLE_ID, id).append(PreparedData.PAGE_ID, id / 3)
                .append(PreparedData.TITLE, "t" + id).append(PreparedData.LEAD, "lead")
                .append(PreparedData.QUERY, "q").append(PreparedData.POSITIVE, "q");
        for (String col : new String[]{PreparedData.QUERY_IDS, PreparedData.POSITIVE_IDS}) {
            Group list = g.addGroup(col);
            for (int t : ids) {
                list.addGroup("list").append("element", t);
            }
        }
        return g;
    }
}
