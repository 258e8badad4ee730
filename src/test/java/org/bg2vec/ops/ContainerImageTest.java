package org.bg2vec.ops;

import org.bg2vec.djl.JniBundle;
import org.bg2vec.modelstore.ModelStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * conf/k8s: the GPU image pins what the jar needs (Spark of the pom, the libtorch of DJL's JNI, the flavour of
 * spark-gpu.conf), keeps the NCCL the CUDA base image holds, and the pod templates mount the model cache and the
 * shared location where the image and bg2vec expect them. (The image itself is built outside CI: no network.)
 */
class ContainerImageTest {

    private static String read(String file) throws IOException {
        return Files.readString(Shell.ROOT.resolve(file), StandardCharsets.UTF_8);
    }

    private static String arg(String dockerfile, String name) {
        Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S*)$").matcher(dockerfile);
        assertTrue(m.find(), "ARG " + name + " missing");
        return m.group(1);
    }

    @Test
    void theImagePinsTheVersionsTheJarIsBuiltFor() throws IOException {
        String docker = read("conf/k8s/Dockerfile.gpu");
        Matcher spark = Pattern.compile("<spark.version>([^<]+)</spark.version>").matcher(read("pom.xml"));
        assertTrue(spark.find());
        assertEquals(spark.group(1), arg(docker, "SPARK_VERSION"));
        JniBundle jni = JniBundle.fromClasspath();
        assertEquals(jni.pytorchVersion(), arg(docker, "LIBTORCH_VERSION"));
        Properties gpuConf = new Properties();
        try (Reader in = Files.newBufferedReader(Shell.ROOT.resolve("conf/spark-gpu.conf"), StandardCharsets.UTF_8)) {
            gpuConf.load(in);
        }
        assertEquals(gpuConf.getProperty("spark.executorEnv.PYTORCH_FLAVOR"), arg(docker, "LIBTORCH_FLAVOR"));
        assertTrue(docker.contains("test \"$(cat /opt/libtorch/build-version)\" = \"${LIBTORCH_VERSION}+${LIBTORCH_FLAVOR}\""),
                "the libtorch version is checked in the build");
        assertTrue(docker.contains("sha512sum -c"), "the Spark tarball is verified");
    }

    @Test
    void ncclComesFromTheCudaRuntimeBaseAndIsNotInstalledAgain() throws IOException {
        String docker = read("conf/k8s/Dockerfile.gpu");
        String instructions = String.join("\n", docker.lines().filter(l -> !l.startsWith("#")).toList());
        assertTrue(docker.contains("FROM nvidia/cuda:12.8.1-runtime-ubuntu22.04"), "a runtime image holds NCCL");
        assertFalse(Pattern.compile("apt-get install[^\\n]*(\\\\\\n[^\\n]*)*libnccl2").matcher(instructions).find(),
                "apt-get install libnccl2 would change the package the base image holds");
        assertTrue(docker.contains("dpkg-query -W") && docker.contains("libnccl2"), "the held NCCL is checked");
    }

    @Test
    void podTemplatesMountTheModelCacheAndTheSharedLocation() throws IOException {
        String executor = read("conf/k8s/executor-gpu-pod-template.yaml");
        String driver = read("conf/k8s/driver-pod-template.yaml");
        String docker = read("conf/k8s/Dockerfile.gpu");
        assertTrue(executor.contains("- name: " + ModelStore.CACHE_ENV + "\n          value: /var/cache/bg2vec-models"),
                executor);
        assertTrue(executor.contains("mountPath: /var/cache/bg2vec-models"), executor);
        assertTrue(executor.contains("hostPath:\n        path: /var/cache/bg2vec-models"), executor);
        assertTrue(docker.contains(ModelStore.CACHE_ENV + "=/var/cache/bg2vec-models"), "the image agrees");
        for (String template : new String[]{executor, driver}) {
            assertTrue(template.contains("mountPath: /mnt/bg2vec-shared"), template);
            assertTrue(template.contains("claimName: bg2vec-shared"), template);
        }
        assertTrue(executor.contains("nvidia.com/gpu: 1"));
    }
}
