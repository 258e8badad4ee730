package org.bg2vec.encode;

import org.bg2vec.djl.ComputeDevice;

import java.io.Serializable;

/**
 * Opens a {@link TextEmbedder}; shipped to Spark executors, so it holds only what is needed to load the
 * model (paths, settings), never the model itself. Implementations should be records (value equality): the
 * executor-side cache ({@link SharedEmbedders}) keys embedders by factory and device.
 */
@FunctionalInterface
public interface TextEmbedderFactory extends Serializable {

    /** Loads the model onto {@code device}; called once per executor JVM and device (or per partition when not cached). */
    TextEmbedder open(ComputeDevice device);
}
