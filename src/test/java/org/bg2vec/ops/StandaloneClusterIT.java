package org.bg2vec.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.spark.PrepareJob;
import org.bg2vec.spark.TrainJob;
import org.bg2vec.train.RealTraining;
import org.bg2vec.train.ToyTraining;
import org.bg2vec.train.TrainConfig;
import org.bg2vec.train.TrainingWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster on loopback: a master and two workers as separate JVMs from the build's own
 * Spark jars (the "provided" set the cluster jar expects, in a SPARK_HOME/jars directory), {@code spark-submit}
 * of {@code train --workers 2} with the cluster jar on the tiny model and the prepared sample; one executor JVM is
 * killed (SIGKILL) after the first checkpoint. The driver must retry, resume, and write the adapter a one-worker
 * run writes. Every process this test starts is stopped by it, by its process handle, in {@link #stopAll()}.
 */
class StandaloneClusterIT {

    static final Path ROOT = PackagedJarIT.ROOT;
    static final Duration STARTUP = Duration.ofSeconds(90);
    static final List<Process> STARTED = new ArrayList<>();

    @TempDir
    static Path tmp;
    static Path sparkHome;
    static String masterUrl;

    @BeforeAll
    static void startCluster() throws Exception {
        sparkHome = sparkHome(tmp.resolve("spark-home"));
        Path masterLog = tmp.resolve("master.log");
        start(List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0",
                "--webui-port", "0"), masterLog);
        Matcher m = await(masterLog, Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)"), 1);
        masterUrl = m.group(1);
        for (int i = 0; i < 2; i++) {
            Path work = Files.createDirectories(tmp.resolve("worker-" + i));
            start(List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", "0",
                    "--webui-port", "0", "--cores", "1", "--memory", "2g", "--work-dir", work.toString(), masterUrl),
                    tmp.resolve("worker-" + i + ".log"));
        }
        await(masterLog, Pattern.compile("Registering worker 127\\.0\\.0\\.1:\\d+"), 2);
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        for (Process p : STARTED) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // executors the workers launched
            p.destroy();
        }
        for (Process p : STARTED) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theDriverRetriesAfterAnExecutorIsKilledAndWritesTheOneWorkerAdapter() throws Exception {
        Path model = RealTraining.tinyModel(tmp.resolve("model"));
        Path data = tmp.resolve("prepared");
        PrepareJob.run("local[2]", Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2"),
                PrepareConfig.builder()
                        .inputs(List.of(ROOT.resolve("data-prep/sample/bgwiki-sample-pages-articles-multistream.xml.bz2")
                                .toString()))
                        .indexes(List.of(ROOT.resolve(
                                "data-prep/sample/bgwiki-sample-pages-articles-multistream-index.txt.bz2").toString()))
                        .tokenizer(model.resolve("tokenizer.json").toString()).output(data.toString()).shards(2)
                        .maxSeqLength(64).build());
        Path out = tmp.resolve("cluster-run");
        TrainConfig config = config(model, data, out);
        Path configFile = tmp.resolve("train.json");
        Files.writeString(configFile, config.raw().toString());

        Path driverLog = tmp.resolve("driver.log");
        Process driver = start(submit(configFile), driverLog);
        Path firstCheckpoint = out.resolve("checkpoints/step-2/complete.json");
        long deadline = System.nanoTime() + STARTUP.toNanos() * 2;
        while (!Files.exists(firstCheckpoint) && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(firstCheckpoint), "no first checkpoint:\n" + tail(driverLog));
        ProcessHandle executor = executors().get(0);
        executor.destroyForcibly(); // SIGKILL
        assertTrue(driver.waitFor(240, TimeUnit.SECONDS), "spark-submit did not finish:\n" + tail(driverLog));
        String log = Files.readString(driverLog, StandardCharsets.UTF_8);
        assertEquals(0, driver.exitValue(), "spark-submit train failed:\n" + tail(driverLog));
        assertTrue(log.contains("train attempt 1 of 3 failed"), tail(driverLog));
        assertTrue(log.contains("(2 attempt(s))"), tail(driverLog));

        ObjectMapper json = new ObjectMapper();
        List<String> ranks = Files.readAllLines(out.resolve("worker-metrics.jsonl"));
        assertEquals(2, ranks.size());
        for (String line : ranks) {
            JsonNode w = json.readTree(line);
            assertEquals(2, w.path("attempt").asInt(), line);
            assertEquals(12, w.path("steps").asInt(), line);
            Matcher resumed = Pattern.compile(".*/checkpoints/step-(\\d+)").matcher(w.path("resumed_from").asText());
            assertTrue(resumed.matches(), line);
            assertEquals(12 - Integer.parseInt(resumed.group(1)), w.path("steps_run").asInt(),
                    "attempt 2 runs only the steps after its checkpoint: " + line);
        }

        // the reference: one worker, uninterrupted, in this JVM
        Path single = tmp.resolve("one-worker");
        TrainJob.run("local[1]", Map.of("spark.ui.enabled", "false"), config(model, data, single).with("workers", 1),
                new TrainJob.Options(DeviceRequest.CPU, Duration.ofSeconds(30), Duration.ofSeconds(60),
                        Duration.ofSeconds(60)), TrainingWorker::run);
        float[] one = RealTraining.adapter(single.resolve("adapter"));
        float[] two = RealTraining.adapter(out.resolve("adapter"));
        double rel = ToyTraining.relativeDifference(two, one);
        assertTrue(rel < 1e-5, "the retried 2-worker cluster run differs from one worker by " + rel + " (relative)");
    }

    /** 12 steps of global batch 8 on two workers, a checkpoint every 2 steps. */
    private static TrainConfig config(Path model, Path data, Path out) {
        return RealTraining.config(model, data, out, ", \"workers\": 2, \"max_seq_length\": 64, \"max_steps\": 12,"
                + " \"save_steps\": 2, \"max_attempts\": 3");
    }

    private static List<String> submit(Path configFile) throws IOException {
        String executorOptions = String.join(" ", System.getProperty("bg2vec.java17.opens", ""),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-DDJL_CACHE_DIR=" + ROOT.resolve("target/djl-cache"),
                "-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties")).strip();
        return List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl, "--deploy-mode", "client",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
                "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.extraJavaOptions=" + executorOptions,
                // a killed executor is replaced within seconds: check the barrier slots every second
                "--conf", "spark.scheduler.barrier.maxConcurrentTasksCheck.interval=1s",
                "--conf", "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures=120",
                "--class", "org.bg2vec.cli.Main", PackagedJarIT.clusterJar().toString(),
                "train", "--config", configFile.toString(), "--workers", "2", "--collective-timeout", "60",
                "--device", "cpu");
    }

    /** The executor JVMs the workers launched. */
    private static List<ProcessHandle> executors() {
        List<ProcessHandle> out = STARTED.stream().flatMap(Process::descendants)
                .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
        assertEquals(2, out.size(), "two executors are running");
        return out;
    }

    /** A SPARK_HOME whose jars/ holds (links to) the Spark jars the cluster jar expects to be provided. */
    private static Path sparkHome(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String jar : PackagedJarIT.sparkClasspath(PackagedJarIT.clusterJar())) {
            Path source = Paths.get(jar);
            Path link = jars.resolve(source.getFileName());
            if (Files.notExists(link)) {
                Files.createSymbolicLink(link, source);
            }
        }
        return home;
    }

    /** Starts a Java process on the Spark jars, loopback only, output to {@code log}. */
    private static Process start(List<String> mainAndArgs, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(List.of(System.getProperty("bg2vec.java17.opens", "").split("\\s+")));
        cmd.add("-DDJL_CACHE_DIR=" + ROOT.resolve("target/djl-cache"));
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + File.separator + "*");
        cmd.addAll(mainAndArgs);
        cmd.removeIf(String::isEmpty);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("DJL_CACHE_DIR", ROOT.resolve("target/djl-cache").toString());
        Process p = pb.start();
        STARTED.add(p);
        return p;
    }

    /** Waits until {@code log} holds {@code count} matches of {@code pattern}; returns the last. */
    private static Matcher await(Path log, Pattern pattern, int count) throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
            int n = 0;
            Matcher last = null;
            while (m.find()) {
                n++;
                last = m;
                if (n == count) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + count + " x '" + pattern + "' in " + log + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no " + log + ")";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
