package org.bg2vec.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Publishing local directories and files to any Hadoop file system (file:, hdfs:, s3a:) with
 * copy-then-rename, so readers never see a half-written result. On local paths the raw local file
 * system is used (no {@code .crc} side files).
 */
public final class HadoopFiles {

    /** The hidden temporary name {@link #publish} copies to: {@code .NAME.tmp-UUID}. */
    private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

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

    /**
     * Deletes what {@link #publish} left in {@code dir} when its JVM was killed between copy and rename: hidden
     * {@code .NAME.tmp-UUID} files and directories (e.g. {@code .step-40.tmp-*}, {@code .adapter.tmp-*}).
     * Returns the paths removed. Only for directories that one writer owns at a time.
     *
     * @param name only the temporaries of this target name ({@code .NAME.tmp-*}), or null for all
     */
    public static List<Path> removeLeftoverTemps(FileSystem fs, Path dir, String name) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!fs.exists(dir)) {
            return removed;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            boolean mine = name == null || n.startsWith("." + name + ".tmp-");
            if (mine && LEFTOVER.matcher(n).matches() && fs.delete(st.getPath(), true)) {
                removed.add(st.getPath());
            }
        }
        return removed;
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
