package org.bg2vec.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bg2vec.prepare.OutcomeCodec;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.ReasonCounts;
import org.bg2vec.prepare.Reasons;
import org.bg2vec.prepare.Sample;
import org.bg2vec.prepare.Shingles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import static org.apache.spark.sql.functions.col;

/**
 * Optional near-duplicate removal: Spark ML {@link MinHashLSH} over word 5-gram shingles. For every pair with
 * Jaccard similarity above the threshold, the sample with the larger id is removed (in a chain A~B~C both
 * B and C go, even when A and C differ more).
 */
final class NearDuplicates {

    private static final Logger LOG = LoggerFactory.getLogger(NearDuplicates.class);

    static final int SHINGLE_WORDS = 5;
    static final int FEATURES = 1 << 20;
    static final int HASH_TABLES = 5;

    private NearDuplicates() {
    }

    /** The samples without near-duplicates (Jaccard above {@code config.nearDupThreshold()}); counts them. */
    static KeptSamples remove(SparkSession spark, KeptSamples kept, PrepareConfig config, ReasonCounts counts) {
        JavaPairRDD<Long, byte[]> filtered = remove(spark, kept.byId(), config.nearDupThreshold(), config.seed());
        long left = filtered.count();
        counts.add(Reasons.NEAR_DUPLICATE, kept.count() - left);
        LOG.info("prepare: {} near-duplicates removed (Jaccard >= {})", kept.count() - left,
                config.nearDupThreshold());
        return new KeptSamples(filtered, left, null);
    }

    /** The samples (keyed by sample id) without near-duplicates. */
    static JavaPairRDD<Long, byte[]> remove(SparkSession spark, JavaPairRDD<Long, byte[]> samples, double threshold,
                                            long seed) {
        StructType schema = new StructType()
                .add("sample_id", DataTypes.LongType, false)
                .add("shingles", DataTypes.createArrayType(DataTypes.StringType, false), false);
        Dataset<Row> df = spark.createDataFrame(samples.values().map(b -> (Sample) OutcomeCodec.decode(b))
                .map(s -> RowFactory.create(s.sampleId(),
                        Shingles.wordNgrams(s.text(), SHINGLE_WORDS).toArray(new String[0]))), schema);
        Dataset<Row> features = new HashingTF().setInputCol("shingles").setOutputCol("features")
                .setNumFeatures(FEATURES).setBinary(true).transform(df).select(col("sample_id"), col("features"));
        MinHashLSHModel model = new MinHashLSH().setInputCol("features").setOutputCol("hashes")
                .setNumHashTables(HASH_TABLES).setSeed(seed).fit(features);
        Dataset<?> pairs = model.approxSimilarityJoin(features, features, 1.0 - threshold, "distance");
        JavaPairRDD<Long, Boolean> drop = pairs
                .where(col("datasetA.sample_id").lt(col("datasetB.sample_id")))
                .select(col("datasetB.sample_id").as("id"))
                .distinct()
                .javaRDD()
                .mapToPair(r -> new Tuple2<>(r.getLong(0), Boolean.TRUE));
        return samples.subtractByKey(drop);
    }
}
