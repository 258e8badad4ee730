package org.bg2vec.spark;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BarrierSmokeTest {

    private SparkSession spark;

    @BeforeEach
    void start() {
        spark = SparkSessions.getOrCreate("local[2]", "barrier-smoke",
                Map.of("spark.barrier.sync.timeout", "30s", "spark.ui.enabled", "false"));
    }

    @AfterEach
    void stop() {
        spark.stop();
    }

    @Test
    void twoBarrierTasksSeeEachOthersPartitionIds() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Integer> rdd = jsc.parallelize(Arrays.asList(10, 20), 2);
        List<String> out = Barrier.mapPartitions(rdd, it -> {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            String[] all = ctx.allGather(Integer.toString(ctx.partitionId()));
            List<String> r = new ArrayList<>();
            r.add(ctx.partitionId() + ":" + String.join(",", all));
            return r.iterator();
        }, String.class).collect();
        List<String> sorted = new ArrayList<>(out);
        sorted.sort(null);
        assertEquals(List.of("0:0,1", "1:0,1"), sorted);
    }
}
