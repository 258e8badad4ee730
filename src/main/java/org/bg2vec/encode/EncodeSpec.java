package org.bg2vec.encode;

import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.io.TableFormat;

import java.util.List;

/**
 * What the {@code encode} job does.
 *
 * @param input      input table (file or directory; local, HDFS, S3A...)
 * @param format     its format
 * @param textColumn the column with the texts to embed
 * @param idColumns  columns copied to the output next to the embedding; empty = every column except the text
 * @param output     output Parquet directory
 * @param overwrite  replace an existing output (otherwise an existing output is an error)
 * @param options    batch size, normalisation, instruction
 * @param sortWindow rows of a partition sorted by length together (bounds the memory a task holds)
 * @param device     where the tasks embed: cpu, gpu, or auto (gpu when spark.task.resource.gpu.amount is set)
 */
public record EncodeSpec(String input, TableFormat format, String textColumn, List<String> idColumns,
                         String output, boolean overwrite, EncodeOptions options, int sortWindow,
                         DeviceRequest device) implements java.io.Serializable {

    /** Rows sorted by length together when the caller does not say. */
    public static final int DEFAULT_SORT_WINDOW = 16_384;

    public EncodeSpec {
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("an input is required");
        }
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("an output is required");
        }
        if (textColumn == null || textColumn.isBlank()) {
            throw new IllegalArgumentException("the text column name must not be empty");
        }
        if (sortWindow < 1) {
            throw new IllegalArgumentException("sort window must be >= 1, got " + sortWindow);
        }
        idColumns = List.copyOf(idColumns);
        if (device == null) {
            throw new IllegalArgumentException("a device request (cpu, gpu, auto) is required");
        }
    }
}
