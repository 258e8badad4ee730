package org.bg2vec.collective;

/**
 * Loads the NCCL and CUDA runtime bindings ({@code org.bytedeco.cuda.global.nccl}, which pulls in
 * {@code cudart}) once, turning a missing native library into a {@link CollectiveException} that tells
 * the operator what to install. The JNI glue comes with the {@code org.bytedeco:cuda} linux-x86_64 jar;
 * {@code libcudart.so.12} and {@code libnccl.so.2} must come from the host.
 * Loading failures are ordinary {@link LinkageError}s: the JVM keeps running.
 */
final class NcclLibrary {

    static final String INSTALL_HINT = "this needs an NVIDIA driver (libcuda.so.1); install NCCL 2 (libnccl.so.2) and the CUDA 12 runtime (libcudart.so.12) on"
            + " every GPU node and put their directories on LD_LIBRARY_PATH (e.g. the NVIDIA 'libnccl2' package,"
            + " or .../site-packages/nvidia/nccl/lib and .../nvidia/cuda_runtime/lib from a CUDA-enabled install),"
            + " or run with the CPU collective (device cpu)";

    private static String failure;
    private static boolean loaded;

    private NcclLibrary() {
    }

    /**
     * Loads the bindings or throws a {@link CollectiveException} with the cause and {@link #INSTALL_HINT}.
     * Safe to call many times; a failure is remembered (a JNI class that failed to initialise cannot be
     * retried in the same JVM).
     */
    static synchronized void ensureLoaded() {
        if (loaded) {
            return;
        }
        if (failure == null) {
            try {
                Class<?> nccl = Class.forName("org.bytedeco.cuda.global.nccl");
                org.bytedeco.javacpp.Loader.load(nccl);
                loaded = true;
                return;
            } catch (ClassNotFoundException | LinkageError e) {
                failure = describe(e);
            }
        }
        throw new CollectiveException("NCCL is not available in this JVM (" + failure + "): " + INSTALL_HINT);
    }

    /** True when {@link #ensureLoaded()} succeeds. */
    static boolean isAvailable() {
        try {
            ensureLoaded();
            return true;
        } catch (CollectiveException e) {
            return false;
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append("; caused by ").append(c);
        }
        return sb.toString();
    }
}
