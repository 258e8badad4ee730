package org.bg2vec.train.checkpoint;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Publishing local directories and files to any Hadoop file system (file:, hdfs:, s3a:) with
 * copy-then-rename, so readers never see a half-written result. On local paths the raw local file
 * system is used (no {@code .crc} side files).
 */
public final class HadoopFiles {

    private HadoopFiles() {
    }

    public static FileSystem fileSystem(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    /**
     * Copies local {@code source} (file or directory) to a hidden temporary sibling of {@code target}
     * and renames it into place, replacing an existing {@code target}.
     */
    public static void publish(FileSystem fs, java.nio.file.Path source, Path target) throws IOException {
        Path parent = target.getParent();
        fs.mkdirs(parent);
        Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            fs.copyFromLocalFile(false, true, new Path(source.toUri()), tmp);
            if (fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("cannot replace " + target);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, true);
            }
        }
    }

    /** Deletes a local temporary file or directory tree, best effort. */
    public static void deleteLocal(java.nio.file.Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<java.nio.file.Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temp directory is harmless
        }
    }
}
