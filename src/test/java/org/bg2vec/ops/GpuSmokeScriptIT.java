package org.bg2vec.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * submit/gpu-smoke.sh on a machine where its checks cannot run (here, or a GPU node with the GPUs hidden and the
 * CUDA libtorch unset): every check fails with its reason, the training part fails instead of training on the CPU,
 * and the script exits 1. Runs in {@code verify} (failsafe), after {@code package} built the jars it runs.
 */
class GpuSmokeScriptIT {

    @Test
    void checksThatCannotRunAreFailuresWithTheirReasons() throws Exception {
        Path log = Files.createTempFile("gpu-smoke", ".log");
        ProcessBuilder pb = new ProcessBuilder("submit/gpu-smoke.sh", "--train-steps", "1")
                .directory(Shell.ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        for (String v : List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION", "BG2VEC_NCCL_LIBRARY")) {
            pb.environment().remove(v);
        }
        pb.environment().put("CUDA_VISIBLE_DEVICES", ""); // no GPU, even on a GPU node
        Process p = pb.start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                throw new IOException("gpu-smoke.sh did not finish in 10 minutes");
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);

        assertEquals(1, p.exitValue(), out);
        for (String check : List.of("gpu-libraries", "nccl-load", "host-allreduce", "cuda-tensors", "train")) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith("FAIL " + check + ": ") && l.length() > 30),
                    "no FAIL line with a reason for " + check + ":\n" + out);
        }
        assertTrue(out.contains("PYTORCH_LIBRARY_PATH is not set"), out);
        assertTrue(out.contains("FAIL train: exit status 1: GpuUnavailableException: a GPU was requested for rank 0"),
                "the training step refused to run on the CPU:\n" + out);
        assertFalse(out.contains("OK   ") || out.contains("PASSED") || out.contains("SKIP") || out.contains("NOT RUN"),
                out);
        assertTrue(out.strip().lines().reduce((a, b) -> b).orElse("").startsWith("FAILED"), out);
    }
}
