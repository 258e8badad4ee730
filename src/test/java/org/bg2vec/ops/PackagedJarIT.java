package org.bg2vec.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster jar is self-sufficient: {@code spark-submit} (SparkSubmit, local master) with ONLY
 * Spark's own (provided) jars on the classpath runs {@code prepare} on the bundled sample.
 * Runs in {@code verify} (failsafe), after {@code package} has built the jar.
 */
class PackagedJarIT {

    static final Path ROOT = Paths.get("").toAbsolutePath();

    /**
     * What a Spark installation provides: the test classpath minus every runtime dependency whose classes
     * the cluster jar bundles (dependencies the shade plugin leaves out, such as slf4j or
     * commons-compress, are Spark's own and stay on the classpath).
     */
    static List<String> sparkClasspath(Path clusterJar) throws IOException {
        String test = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Set<String> runtime = new HashSet<>(Arrays.asList(
                Files.readString(ROOT.resolve("target/runtime-classpath.txt")).strip().split(File.pathSeparator)));
        Set<String> bundled = entries(clusterJar);
        List<String> cp = new ArrayList<>();
        for (String e : test.split(File.pathSeparator)) {
            boolean ours = Paths.get(e).getFileName().toString().startsWith("bg2vec-"); // failsafe adds our thin jar
            boolean testOnly = e.contains("junit") || e.contains("opentest4j") || e.contains("hamcrest")
                    || e.contains("hadoop-client-minicluster");
            if (!e.endsWith(".jar") || ours || testOnly) {
                continue;
            }
            if (!runtime.contains(e) || !bundled.contains(firstClass(Paths.get(e)))) {
                cp.add(e);
            }
        }
        assertTrue(cp.stream().anyMatch(e -> e.contains("spark-core_2.12")), "Spark on the provided classpath");
        assertTrue(cp.stream().noneMatch(e -> e.contains("/ai/djl/")), "no DJL outside the cluster jar");
        return cp;
    }

    static Set<String> entries(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.stream().map(JarEntry::getName).collect(Collectors.toSet());
        }
    }

    /** The first file of a jar outside META-INF (a class, or a native library for the libtorch jars). */
    static String firstClass(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.stream().map(JarEntry::getName)
                    .filter(n -> !n.endsWith("/") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class"))
                    .findFirst().orElse("");
        }
    }

    static Path clusterJar() throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("bg2vec-.*-cluster\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/bg2vec-*-cluster.jar: run mvn package"));
        }
    }

    @Test
    void sparkSubmitRunsPrepareFromTheClusterJar(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("prepared");
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx2g");
        cmd.addAll(Arrays.asList(System.getProperty("bg2vec.java17.opens", "").split("\\s+")));
        cmd.add("-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"));
        cmd.add("-DDJL_CACHE_DIR=" + ROOT.resolve("target/djl-cache"));
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, sparkClasspath(clusterJar())));
        cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.ui.enabled=false",
                "--class", "org.bg2vec.cli.Main", clusterJar().toString(),
                "prepare",
                "--input", ROOT.resolve("data-prep/sample/bgwiki-sample-pages-articles-multistream.xml.bz2").toString(),
                "--index", ROOT.resolve("data-prep/sample/bgwiki-sample-pages-articles-multistream-index.txt.bz2").toString(),
                "--tokenizer", ROOT.resolve("src/test/resources/tokenizers/llama2/tokenizer.json").toString(),
                "--output", out.toString(), "--shards", "2"));
        cmd.removeIf(String::isEmpty);
        Path log = tmp.resolve("spark-submit.log");
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(300, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, "spark-submit did not finish in 300 s:\n" + text);
        assertEquals(0, p.exitValue(), "spark-submit prepare failed:\n" + text);

        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        long train = m.path("splits").path("train").path("samples").asLong();
        long validation = m.path("splits").path("validation").path("samples").asLong();
        // the sample has 138 usable articles (data-prep/sample/README.md: the 38 of pages 1001-1112 and the 100
        // articles 1145-1442), one sample each in article mode
        assertEquals(138, train + validation, m.toPrettyString());
        try (Stream<Path> s = Files.list(out.resolve("train"))) {
            assertEquals(2, s.filter(f -> f.toString().endsWith(".parquet")).count());
        }
        try (Stream<Path> s = Files.list(out.resolve("rejects"))) {
            assertTrue(s.map(Path::toString).collect(Collectors.toList()).stream().anyMatch(f -> f.endsWith(".parquet")));
        }
    }
}
