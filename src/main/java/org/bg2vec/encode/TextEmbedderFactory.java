package org.bg2vec.encode;

import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.modelstore.ModelStore;

import java.io.Serializable;
import java.util.Map;

/**
 * Opens a {@link TextEmbedder}; shipped to Spark executors, so it holds only what is needed to load the
 * model (model URIs, settings), never the model itself. Implementations should be records (value equality): the
 * executor-side cache ({@link SharedEmbedders}) keys embedders by factory and device.
 */
@FunctionalInterface
public interface TextEmbedderFactory extends Serializable {

    /**
     * Loads the model onto {@code device}, its directories made local by {@code models}; called once per executor
     * JVM and device (or per partition when not cached).
     */
    TextEmbedder open(ComputeDevice device, ModelStore models);

    /**
     * This factory as the tasks should get it, resolved on the driver before any task starts: model paths
     * qualified and checked, settings read from the model directories. The default has nothing to resolve.
     *
     * @throws IllegalArgumentException when a model directory is missing or malformed
     */
    default TextEmbedderFactory resolve(Configuration hadoop) {
        return this;
    }

    /** One line for the driver log: the models and the effective settings. */
    default String describe() {
        return toString();
    }

    /** The models and effective settings as key → value, for reports (empty when there is nothing to say). */
    default Map<String, Object> reportSettings() {
        return Map.of();
    }
}
