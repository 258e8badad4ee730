package org.bg2vec.ops;

import org.bg2vec.djl.JniBundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conf/spark-gpu.conf holds the settings bg2vec's GPU stages rely on, consistent with the pom and DJL. */
class SparkGpuConfTest {

    private static Properties conf;

    @BeforeAll
    static void load() throws IOException {
        conf = new Properties();
        try (Reader in = Files.newBufferedReader(Shell.ROOT.resolve("conf/spark-gpu.conf"), StandardCharsets.UTF_8)) {
            conf.load(in);
        }
    }

    private static String get(String key) {
        String v = conf.getProperty(key);
        assertTrue(v != null && !v.isBlank(), key + " missing from conf/spark-gpu.conf");
        return v;
    }

    @Test
    void oneGpuPerExecutorAndPerTaskWithOneTaskPerExecutor() {
        assertEquals("1", get("spark.executor.resource.gpu.amount"));
        assertEquals("1", get("spark.task.resource.gpu.amount"));
        assertEquals(get("spark.executor.cores"), get("spark.task.cpus"));
        assertEquals("./getGpusResources.sh", get("spark.executor.resource.gpu.discoveryScript"));
    }

    @Test
    void barrierStageSettings() {
        assertEquals("false", get("spark.dynamicAllocation.enabled"));
        assertEquals("0s", get("spark.locality.wait"));
        assertTrue(get("spark.barrier.sync.timeout").matches("[1-9][0-9]*s"), get("spark.barrier.sync.timeout"));
    }

    @Test
    void java17FlagsAreThePomsForDriverAndExecutors() throws IOException {
        String pom = Files.readString(Shell.ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<spark.java17.opens>([^<]+)</spark.java17.opens>").matcher(pom);
        assertTrue(m.find(), "spark.java17.opens property missing from pom.xml");
        List<String> pomFlags = Arrays.asList(m.group(1).trim().split("\\s+"));
        for (String key : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
            List<String> flags = Arrays.asList(get(key).trim().split("\\s+"));
            assertEquals(pomFlags, flags.subList(0, pomFlags.size()), key);
            assertTrue(flags.contains("-Dai.djl.offline=true"), key);
        }
    }

    @Test
    void djlEnvironmentMatchesTheJniOnTheClasspath() {
        JniBundle jni = JniBundle.fromClasspath();
        assertEquals(jni.pytorchVersion(), get("spark.executorEnv.PYTORCH_VERSION"));
        assertEquals("cu128", get("spark.executorEnv.PYTORCH_FLAVOR"));
        if (jni.classifier().equals("linux-x86_64")) {
            assertTrue(jni.flavors().contains(get("spark.executorEnv.PYTORCH_FLAVOR")), jni.flavors().toString());
        }
        get("spark.executorEnv.PYTORCH_LIBRARY_PATH");
        get("spark.executorEnv.DJL_CACHE_DIR");
    }

    @Test
    void nativeMemoryOverheadCoversAStagedFp16CopyOfA7bBase() {
        // 7.24e9 parameters x 2 bytes = 14.5 GB may sit in host memory while the base moves to the GPU
        long overheadGiB = gib(get("spark.executor.memoryOverhead"));
        assertTrue(overheadGiB * (1L << 30) > 7_240_000_000L * 2, "memoryOverhead " + overheadGiB + "g");
    }

    private static long gib(String size) {
        assertTrue(size.matches("[0-9]+[gG]"), "expected a size in g: " + size);
        return Long.parseLong(size.substring(0, size.length() - 1));
    }
}
