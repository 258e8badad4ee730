package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.io.HadoopFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.UUID;

/**
 * Atomic output through Hadoop's FileSystem: everything is written into a hidden temporary sibling directory
 * which is renamed to the final name at the end (on object stores such as s3a a rename is a copy: the final
 * directory then appears file by file, but never before everything was written). An existing output is refused
 * unless {@code overwrite}. The hidden directory an interrupted run left for the same target is removed when the
 * next run creates its own.
 */
public final class OutputDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(OutputDirectory.class);

    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private final boolean overwrite;

    private OutputDirectory(FileSystem fs, Path target, Path temp, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
        this.overwrite = overwrite;
    }

    /** Checks the target without creating anything: fails when it exists and {@code overwrite} is off. */
    public static void checkTarget(String output, boolean overwrite, Configuration conf) throws IOException {
        Path p = new Path(output);
        FileSystem fs = p.getFileSystem(conf);
        if (fs.exists(p) && !overwrite) {
            throw new IllegalArgumentException("output " + output + " already exists: choose another --output or"
                    + " pass --overwrite to replace it");
        }
    }

    /** Creates the temporary directory next to the target. */
    public static OutputDirectory create(String output, boolean overwrite, Configuration conf) throws IOException {
        checkTarget(output, overwrite, conf);
        Path p = new Path(output);
        FileSystem fs = p.getFileSystem(conf);
        Path target = fs.makeQualified(p);
        Path parent = target.getParent();
        if (parent == null) {
            throw new IllegalArgumentException("output must not be a file system root: " + output);
        }
        for (Path left : HadoopFiles.removeLeftoverTemps(fs, parent, target.getName())) {
            LOG.warn("removed {}, the unfinished output of an interrupted run", left);
        }
        Path temp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
        if (!fs.mkdirs(temp)) {
            throw new IOException("cannot create " + temp);
        }
        return new OutputDirectory(fs, target, temp, overwrite);
    }

    /** Where to write now. */
    public Path temp() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** A path inside the temporary directory. */
    public Path resolve(String relative) {
        return new Path(temp, relative);
    }

    /** Moves the finished output into place (replacing the old one when overwriting). */
    public void commit() throws IOException {
        if (fs.exists(target)) {
            if (!overwrite) {
                throw new IOException("output " + target + " appeared while the job ran; the result is left in "
                        + temp);
            }
            if (!fs.delete(target, true)) {
                throw new IOException("cannot delete the old output " + target + "; the result is left in " + temp);
            }
        }
        if (!fs.rename(temp, target)) {
            throw new IOException("cannot rename " + temp + " to " + target + "; the result is left there");
        }
    }

    /** Deletes the temporary directory after a failure. */
    public void abort() {
        try {
            fs.delete(temp, true);
        } catch (IOException ignored) {
            // best effort: a hidden temp directory is all that may remain
        }
    }
}
