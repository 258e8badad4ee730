package org.bg2vec.encode;

import java.io.Serializable;

/**
 * Opens a {@link TextEmbedder}; shipped to Spark executors, so it holds only what is needed to load the
 * model (paths, lengths), never the model itself. Implementations should be records (value equality): the
 * executor-side cache ({@link SharedEmbedders}) keys embedders by factory.
 */
@FunctionalInterface
public interface TextEmbedderFactory extends Serializable {

    /** Loads the model; called once per executor JVM (or per partition when not cached). */
    TextEmbedder open();
}
