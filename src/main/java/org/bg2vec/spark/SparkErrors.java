package org.bg2vec.spark;

import org.apache.spark.sql.AnalysisException;

import java.util.function.Supplier;

/** Turns Spark's analysis errors (missing path, unknown column, existing output) into input errors. */
final class SparkErrors {

    private SparkErrors() {
    }

    /**
     * Runs {@code work}; a Spark {@link AnalysisException} (a checked exception Scala throws undeclared) comes
     * out as an {@link IllegalArgumentException} with Spark's message, so that callers report it as bad input.
     */
    static <T> T asInputErrors(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof AnalysisException) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            throw new IllegalStateException(e);
        }
    }
}
