package org.bg2vec.modelstore;

import org.apache.hadoop.fs.RawLocalFileSystem;

import java.net.URI;

/**
 * The local disk under another scheme, {@code testfs:}: a Hadoop file system that bg2vec treats like HDFS or S3A
 * (fetched into the model cache, not used in place). Register it with {@code fs.testfs.impl} (Spark:
 * {@code spark.hadoop.fs.testfs.impl}).
 */
public class RemoteLikeFileSystem extends RawLocalFileSystem {

    public static final String SCHEME = "testfs";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** {@code testfs:} URI of a local path. */
    public static String uri(java.nio.file.Path p) {
        return SCHEME + "://" + p.toAbsolutePath();
    }

    /** A Hadoop configuration that knows the scheme. */
    public static org.apache.hadoop.conf.Configuration conf() {
        org.apache.hadoop.conf.Configuration c = new org.apache.hadoop.conf.Configuration();
        c.set("fs." + SCHEME + ".impl", RemoteLikeFileSystem.class.getName());
        return c;
    }
}
