package org.bg2vec.djl;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place that decides a task's device. A task that does not want a GPU runs on the CPU. A task that wants
 * one gets exactly the GPU Spark assigned to it (mapped to a CUDA ordinal by {@link CudaDevices}), or, in local
 * mode where Spark assigns none, GPU {@code localIndex % visible}. When no usable CUDA device is there the task
 * fails at once with a {@link GpuUnavailableException} naming the address, the host and everything that is
 * missing; it never falls back to the CPU.
 */
public final class DeviceDecision {

    private DeviceDecision() {
    }

    /**
     * @param wantGpu      the driver's resolved {@link DeviceRequest}
     * @param sparkAddress the task's Spark GPU address, or null when Spark assigned none (local mode)
     * @param localIndex   used when {@code sparkAddress} is null: the task picks GPU {@code localIndex % visible}
     * @param needNccl     whether gradients are summed across GPUs (NCCL and the CUDA runtime must load)
     * @param who          the task in messages, e.g. {@code rank 2} or {@code encode task 5}
     * @throws GpuUnavailableException when a GPU is wanted and none can be used
     */
    public static ComputeDevice decide(boolean wantGpu, String sparkAddress, int localIndex, boolean needNccl,
                                       String who, GpuProbe probe) {
        if (!wantGpu) {
            return ComputeDevice.cpu();
        }
        String where = who + " on host " + probe.host() + (sparkAddress == null
                ? " (no GPU address from Spark: local mode)" : ", Spark GPU address " + sparkAddress);
        List<String> problems = new ArrayList<>(probe.libraryProblems(needNccl));
        if (!problems.isEmpty()) {
            throw new GpuUnavailableException(where, problems);
        }
        int visible = probe.visibleGpus();
        String cvd = probe.env().get(CudaDevices.VISIBLE);
        if (visible <= 0) {
            problems.add(probe.engineDescription() + " started with a CUDA libtorch but sees no CUDA device: the"
                    + " NVIDIA driver (libcuda.so.1, R570 or newer for cu128) is not usable in this process; check"
                    + " nvidia-smi on the host, the NVIDIA container toolkit (Kubernetes/Docker), YARN's GPU"
                    + " isolation" + (cvd == null ? "" : ", and " + CudaDevices.VISIBLE + "=" + cvd));
            throw new GpuUnavailableException(where, problems);
        }
        int ordinal;
        try {
            ordinal = sparkAddress == null ? localIndex % visible : CudaDevices.ordinal(sparkAddress, cvd);
        } catch (IllegalStateException e) {
            throw new GpuUnavailableException(where, List.of(e.getMessage()));
        }
        if (ordinal >= visible) {
            throw new GpuUnavailableException(where, List.of("the address maps to CUDA device " + ordinal
                    + " but this process sees " + visible + " CUDA device(s)" + (cvd == null ? "" : " ("
                    + CudaDevices.VISIBLE + "=" + cvd + ")") + ": the discovery script reports GPUs the"
                    + " executor cannot use; with GPU isolation it must print only the container's GPUs"));
        }
        return ComputeDevice.gpu(ordinal, sparkAddress);
    }
}
