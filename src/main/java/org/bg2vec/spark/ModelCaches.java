package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.util.Utils;
import org.bg2vec.modelstore.ModelStore;

import java.util.Arrays;
import java.util.List;

/**
 * The model store of this executor: {@code BG2VEC_MODEL_CACHE} (executor environment), else
 * {@code bg2vec-model-cache} in the first of Spark's configured local directories ({@code spark.local.dir},
 * {@code SPARK_LOCAL_DIRS}, YARN's container {@code LOCAL_DIRS}, the Kubernetes local-dir volume).
 */
final class ModelCaches {

    private ModelCaches() {
    }

    static ModelStore forThisExecutor(Configuration hadoop) {
        SparkEnv env = SparkEnv.get();
        List<String> dirs = env == null ? List.of() : Arrays.asList(Utils.getConfiguredLocalDirs(env.conf()));
        return ModelStore.forThisJvm(System.getenv(), dirs, hadoop);
    }
}
