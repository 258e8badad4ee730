package org.bg2vec.djl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link GpuProbe} with given answers: library problems, visible CUDA devices, environment. */
public class FakeGpuProbe implements GpuProbe {

    private final int gpus;
    private final List<String> problems;
    private final Map<String, String> env;

    public FakeGpuProbe(int gpus, List<String> problems, Map<String, String> env) {
        this.gpus = gpus;
        this.problems = List.copyOf(problems);
        this.env = new HashMap<>(env);
    }

    /** Usable libraries and {@code gpus} visible CUDA devices, no CUDA_VISIBLE_DEVICES. */
    public FakeGpuProbe(int gpus) {
        this(gpus, List.of(), Map.of());
    }

    @Override
    public List<String> libraryProblems(boolean needNccl) {
        return problems;
    }

    @Override
    public int visibleGpus() {
        return gpus;
    }

    @Override
    public String engineDescription() {
        return "DJL PyTorch engine 2.7.1 (fake)";
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public String host() {
        return "fake-gpu-host";
    }
}
