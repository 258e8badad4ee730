package org.bg2vec.modelstore;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where a model directory is, as a qualified Hadoop URI, resolved on the driver before any task starts.
 *
 * <p>A path with a scheme ({@code file:}, {@code hdfs:}, {@code s3a:}, ...) is qualified on its file system; a
 * path without one is resolved the way Hadoop resolves every other bg2vec path ({@code train_data},
 * {@code --input}): on {@code fs.defaultFS}, relative to that file system's working directory. Without HDFS
 * configured (local mode) that is the local disk and the driver's working directory; on a cluster whose default
 * file system is HDFS, write {@code file:/path} for a directory present on every host's local disk.
 */
public final class ModelUris {

    private ModelUris() {
    }

    /** The qualified URI of {@code pathOrUri}, e.g. {@code models/x} → {@code file:/home/me/models/x}. */
    public static String qualify(String pathOrUri, Configuration conf) {
        if (pathOrUri == null || pathOrUri.isBlank()) {
            throw new IllegalArgumentException("a model path is empty");
        }
        try {
            Path p = new Path(pathOrUri.strip());
            return p.getFileSystem(conf).makeQualified(p).toString();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot resolve the model path " + pathOrUri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Qualifies {@code pathOrUri} and checks that it is a directory holding {@code requiredFile}.
     *
     * @param what the setting in messages, e.g. {@code --model} or {@code peft_model_name_or_path}
     * @throws IllegalArgumentException naming the setting, the resolved URI and what is missing
     */
    public static String requireDirectory(String pathOrUri, String what, String requiredFile, Configuration conf) {
        String uri = qualify(pathOrUri, conf);
        Path p = new Path(uri);
        try {
            FileSystem fs = p.getFileSystem(conf);
            FileStatus status;
            try {
                status = fs.getFileStatus(p);
            } catch (java.io.FileNotFoundException e) {
                throw new IllegalArgumentException(what + " " + pathOrUri + " does not exist (resolved to " + uri + ")"
                        + (pathOrUri.contains(":") ? "" : hintForSchemeless(conf)));
            }
            if (!status.isDirectory()) {
                throw new IllegalArgumentException(what + " " + uri + " is a file; it must be a model directory");
            }
            if (!fs.exists(new Path(p, requiredFile))) {
                throw new IllegalArgumentException(what + " " + uri + " has no " + requiredFile
                        + " (expected a Hugging Face/PEFT directory)");
            }
            return uri;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + uri + ": " + e.getMessage(), e);
        }
    }

    /** A URI as people write it: {@code file:/x} → {@code /x}; other schemes unchanged. */
    public static String display(String uri) {
        return uri != null && uri.startsWith("file:") ? new Path(uri).toUri().getPath() : uri;
    }

    /** True for URIs of the local file system (used where they are, not copied). */
    public static boolean isLocal(String qualifiedUri) {
        return "file".equals(new Path(qualifiedUri).toUri().getScheme());
    }

    private static String hintForSchemeless(Configuration conf) {
        String fs = conf.get("fs.defaultFS", "file:///");
        return fs.startsWith("file:") ? "" : "; a path without a scheme is read from fs.defaultFS=" + fs
                + ": write file:/... for a directory on every host's local disk";
    }
}
