package org.bg2vec.modelstore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Exclusive access to one cache entry on one host: an in-JVM lock (several tasks of one executor) and then an OS
 * file lock on a lock file (several executor JVMs on one host). Both are waited for at most {@code timeout}. The
 * file lock dies with its process, so a killed executor never leaves a stale lock.
 */
final class CacheLock implements AutoCloseable {

    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 200;

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private CacheLock(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /**
     * @param lockFile the entry's lock file (created if needed)
     * @param what     what the holder does, for messages (e.g. {@code fetching hdfs://nn/models/x})
     * @param onWait   told once when the lock is busy (a log line)
     * @throws IOException when the lock is not free within {@code timeout}
     */
    static CacheLock acquire(Path lockFile, Duration timeout, String what, Consumer<String> onWait) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!jvm.tryLock()) {
                onWait.accept("waiting for another task of this executor " + what);
                if (!jvm.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw timedOut(key, timeout, "another task of this executor JVM", what);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + key);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            boolean told = false;
            while (lock == null) {
                if (System.nanoTime() > deadline) {
                    throw timedOut(key, timeout, "another process on this host", what);
                }
                if (!told) {
                    onWait.accept("waiting for another process on this host " + what);
                    told = true;
                }
                Thread.sleep(POLL_MILLIS);
                lock = ch.tryLock();
            }
            return new CacheLock(jvm, ch, lock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(ch);
            jvm.unlock();
            throw new InterruptedIOException("interrupted while waiting for " + key);
        } catch (IOException | RuntimeException e) {
            close(ch);
            jvm.unlock();
            throw e;
        }
    }

    private static IOException timedOut(Path lockFile, Duration timeout, String holder, String what) {
        return new IOException("gave up after " + String.format(java.util.Locale.ROOT, "%.1f", timeout.toMillis() / 1e3)
                + " s waiting for " + lockFile + ", held by "
                + holder + " " + what + "; if that download is just slow, raise " + ModelStore.LOCK_TIMEOUT_ENV
                + " (seconds, default " + ModelStore.DEFAULT_LOCK_TIMEOUT.toSeconds() + ")");
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a lock file channel after a failure: nothing to add
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
        } finally {
            try {
                channel.close();
            } finally {
                jvmLock.unlock();
            }
        }
    }
}
