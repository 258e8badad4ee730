package org.bg2vec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native memory of this process, from {@code /proc/self/status} (Linux): {@code RssAnon} (anonymous
 * resident memory: libtorch's allocations, direct buffers, the Java heap once touched) sampled by a daemon
 * thread every {@code periodMillis} into a running peak, and the kernel's exact peak {@code VmHWM}, which
 * {@link #resetPeak()} resets through {@code /proc/self/clear_refs} (anonymous + file pages). Run the JVM with
 * {@code -Xms} = {@code -Xmx} and {@code -XX:+AlwaysPreTouch} so the heap is resident before the baseline and
 * later heap use adds nothing, and with {@code MALLOC_MMAP_THRESHOLD_} set so glibc returns freed blocks.
 */
final class ProcessMemory implements AutoCloseable {

    private static final Path STATUS = Path.of("/proc/self/status");
    private final AtomicLong peakAnon = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;

    ProcessMemory(long periodMillis) {
        sampler = new Thread(() -> {
            while (running) {
                peakAnon.accumulateAndGet(field("RssAnon"), Math::max);
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** A field of /proc/self/status in bytes (the kB values times 1024). */
    static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name + ":")) {
                    return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STATUS + " (Linux only): " + e.getMessage(), e);
        }
        throw new IllegalStateException("no " + name + " in " + STATUS);
    }

    /** Anonymous resident bytes now. */
    long anonNow() {
        return field("RssAnon");
    }

    /** Sampled peak of anonymous resident bytes since the last {@link #resetPeak()}. */
    long anonPeak() {
        return Math.max(peakAnon.get(), anonNow());
    }

    /** The kernel's peak resident set (anonymous + file) since the last {@link #resetPeak()}. */
    long hwm() {
        return field("VmHWM");
    }

    /** Restarts both peaks from the current values. */
    void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            throw new IllegalStateException("cannot reset VmHWM through /proc/self/clear_refs: " + e.getMessage(), e);
        }
        peakAnon.set(anonNow());
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
