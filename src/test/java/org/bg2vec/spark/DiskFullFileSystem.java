package org.bg2vec.spark;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;

/**
 * Test file system {@code fullfs:} (the local disk) whose disk fills up while a training shard
 * ({@code .../train/...part-*}) is written: the write fails after its first KiB with "No space left on device".
 */
public class DiskFullFileSystem extends RawLocalFileSystem {

    static final String SCHEME = "fullfs";
    private static final URI NAME = URI.create(SCHEME + ":///");
    private static final int FREE = 1024;

    @Override
    public URI getUri() {
        return NAME;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return full(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        return full(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    private FSDataOutputStream full(Path f, FSDataOutputStream out) throws IOException {
        boolean shard = f.getParent() != null && f.getParent().getName().equals("train")
                && f.getName().contains("part-");
        return shard ? new FSDataOutputStream(new Full(out), statistics) : out;
    }

    /** Accepts {@link #FREE} bytes, then fails as a full disk does. */
    private static final class Full extends FilterOutputStream {
        private long written;

        Full(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > FREE) {
                throw new IOException("No space left on device (simulated)");
            }
            written += len;
            out.write(b, off, len);
        }
    }
}
