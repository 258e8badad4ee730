package org.bg2vec.prepare;

import java.io.Serializable;

/**
 * One input file (or Parquet dataset directory) after resolving globs and formats.
 *
 * @param index       position among all resolved inputs
 * @param path        fully qualified Hadoop path
 * @param bytes       size in bytes (sum of files for a directory)
 * @param format      XML, PARQUET or JSONL (never AUTO)
 * @param compression compression judged by the name
 * @param indexPath   the multistream index paired with this dump, or null
 */
public record ResolvedInput(int index, String path, long bytes, InputFormat format, Compression compression,
                            String indexPath) implements Serializable {
}
