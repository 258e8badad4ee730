package org.bg2vec.djl;

import java.util.List;

/**
 * A task asked for a GPU and cannot have one. The message names the task, its host and Spark GPU address, every
 * problem found and what to set; the task fails at once instead of running on the CPU.
 */
public class GpuUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public GpuUnavailableException(String where, List<String> problems) {
        super(format(where, problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(String where, List<String> problems) {
        return GpuLibrariesException.listed("a GPU was requested for " + where + ", but this process cannot use one:",
                problems) + "\nSet on the executors (spark.executorEnv.*): PYTORCH_LIBRARY_PATH (a libtorch 2.7.1+cu128"
                + " lib/ directory), PYTORCH_FLAVOR=cu128, PYTORCH_VERSION=2.7.1, a writable DJL_CACHE_DIR, and"
                + " LD_LIBRARY_PATH with libcudart.so.12 and libnccl.so.2 (src/site/markdown/cluster.md, \"GPU"
                + " libraries\"); or run on CPUs with --device cpu.";
    }
}
