package org.bg2vec.format;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.util.List;

/**
 * The prepared-data format: what {@code bg2vec prepare} writes ({@code prepare.PrepareManifest},
 * {@code prepare.ShardWriter}) and training and evaluation read ({@code train.data.Manifest},
 * {@code train.data.ParquetSamples}, {@code spark.EvaluateJob}). One directory holds {@value #MANIFEST},
 * {@code train/part-NNNNN.parquet} and {@code validation/part-NNNNN.parquet} (columns {@link #SAMPLE_SCHEMA})
 * and {@code rejects/part-00000.parquet} ({@link #REJECT_SCHEMA}). Fields: src/site/markdown/prepare.md.
 */
public final class PreparedData {

    /** The layout version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** The manifest's file name inside the directory. */
    public static final String MANIFEST = "manifest.json";
    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";
    public static final String REJECTS = "rejects";

    // columns of the train/ and validation/ shards
    public static final String SAMPLE_ID = "sample_id";
    public static final String PAGE_ID = "page_id";
    public static final String TITLE = "title";
    public static final String LEAD = "lead";
    public static final String QUERY = "query";
    public static final String POSITIVE = "positive";
    public static final String QUERY_IDS = "query_ids";
    public static final String POSITIVE_IDS = "positive_ids";
    // columns of rejects/ besides page_id and title
    public static final String SOURCE = "source";
    public static final String REASON = "reason";
    public static final String DETAIL = "detail";

    /** Columns of {@code train/} and {@code validation/} shards, in this order. */
    public static final MessageType SAMPLE_SCHEMA = MessageTypeParser.parseMessageType("""
            message sample {
              required int64 sample_id;
              required int64 page_id;
              required binary title (STRING);
              required binary lead (STRING);
              required binary query (STRING);
              required binary positive (STRING);
              required group query_ids (LIST) { repeated group list { required int32 element; } }
              required group positive_ids (LIST) { repeated group list { required int32 element; } }
            }""");
    /** The sample columns by name, in {@link #SAMPLE_SCHEMA}'s order. */
    public static final List<String> SAMPLE_COLUMNS =
            List.of(SAMPLE_ID, PAGE_ID, TITLE, LEAD, QUERY, POSITIVE, QUERY_IDS, POSITIVE_IDS);

    /** Columns of {@code rejects/}. */
    public static final MessageType REJECT_SCHEMA = MessageTypeParser.parseMessageType("""
            message reject {
              optional int64 page_id;
              optional binary title (STRING);
              required binary source (STRING);
              required binary reason (STRING);
              required binary detail (STRING);
            }""");
    /** The reject columns by name, in {@link #REJECT_SCHEMA}'s order. */
    public static final List<String> REJECT_COLUMNS = List.of(PAGE_ID, TITLE, SOURCE, REASON, DETAIL);

    private PreparedData() {
    }

    /** Why a manifest of {@code formatVersion} cannot be read, or null when it can. */
    public static String versionProblem(int formatVersion) {
        return formatVersion == FORMAT_VERSION ? null : "manifest format_version " + formatVersion
                + " is not supported (this bg2vec reads version " + FORMAT_VERSION
                + "): prepare the data again with this version of 'bg2vec prepare'";
    }
}
