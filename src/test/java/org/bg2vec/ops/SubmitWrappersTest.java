package org.bg2vec.ops;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * submit/{prepare,train,encode,evaluate}.sh against a fake spark-submit that records its arguments (one
 * per line) and the content of the properties file it was given.
 */
class SubmitWrappersTest {

    @TempDir
    Path tmp;
    private Path sparkHome;
    private Path jar;
    private Path siteConf;

    @BeforeEach
    void fakeSpark() throws IOException {
        sparkHome = Files.createDirectories(tmp.resolve("spark"));
        Files.createDirectories(sparkHome.resolve("bin"));
        Shell.script(sparkHome.resolve("bin"), "spark-submit", "#!/usr/bin/env bash\n"
                + "prev=''\n"
                + "for a in \"$@\"; do printf 'ARG %s\\n' \"$a\";\n"
                + "  if [ \"$prev\" = --properties-file ]; then sed 's/^/PROP /' \"$a\"; fi; prev=$a; done\n");
        jar = Files.writeString(tmp.resolve("bg2vec-9.9-cluster.jar"), "not really a jar");
        siteConf = Files.createDirectories(tmp.resolve("site-conf"));
    }

    private Shell.Result wrapper(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("submit/" + script));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_CONF_DIR", siteConf.toString());
        env.put("BG2VEC_JAR", jar.toString());
        env.put("TMPDIR", tmp.toString());
        return Shell.run(command, env);
    }

    private static List<String> args(Shell.Result r) {
        return r.stdout().lines().filter(l -> l.startsWith("ARG ")).map(l -> l.substring(4)).toList();
    }

    private static List<String> props(Shell.Result r) {
        return r.stdout().lines().filter(l -> l.startsWith("PROP ")).map(l -> l.substring(5)).toList();
    }

    @Test
    void trainOnYarnUsesTheGpuPropertiesShipsTheDiscoveryScriptAndPassesTheRestToTheSubcommand()
            throws IOException {
        Shell.Result r = wrapper("train.sh", "--master", "yarn", "--spark-conf", "spark.executor.instances=2",
                "--config", "my config.json", "--workers", "2", "--resume");

        assertEquals(0, r.exit(), r.both());
        assertEquals(List.of("--master", "yarn", "--name", "bg2vec-train", "--class", "org.bg2vec.cli.Main",
                "--properties-file", Shell.ROOT.resolve("conf/spark-gpu.conf").toString(),
                "--files", Shell.ROOT.resolve("conf/getGpusResources.sh").toString(),
                "--conf", "spark.executor.instances=2",
                jar.toString(), "train", "--config", "my config.json", "--workers", "2", "--resume"), args(r));
        assertTrue(props(r).contains("spark.executorEnv.PYTORCH_FLAVOR=cu128"), r.stdout());
    }

    @Test
    void mntpRunsOnGpuExecutorsLikeTrain() throws IOException {
        Shell.Result r = wrapper("mntp.sh", "--master", "yarn", "--spark-conf", "spark.executor.instances=4",
                "--config", "conf/bg2vec-mntp.json", "--workers", "4");

        assertEquals(0, r.exit(), r.both());
        assertEquals(List.of("--master", "yarn", "--name", "bg2vec-mntp", "--class", "org.bg2vec.cli.Main",
                "--properties-file", Shell.ROOT.resolve("conf/spark-gpu.conf").toString(),
                "--files", Shell.ROOT.resolve("conf/getGpusResources.sh").toString(),
                "--conf", "spark.executor.instances=4",
                jar.toString(), "mntp", "--config", "conf/bg2vec-mntp.json", "--workers", "4"), args(r));
    }

    @Test
    void evaluateRunsOnGpuExecutorsLikeTrain() throws IOException {
        Shell.Result r = wrapper("evaluate.sh", "--master", "yarn", "--model", "hdfs:///models/m", "--data", "d",
                "--output", "o");

        assertEquals(0, r.exit(), r.both());
        List<String> args = args(r);
        assertEquals(Shell.ROOT.resolve("conf/spark-gpu.conf").toString(), args.get(args.indexOf("--properties-file") + 1));
        assertEquals(Shell.ROOT.resolve("conf/getGpusResources.sh").toString(), args.get(args.indexOf("--files") + 1));
        assertTrue(props(r).contains("spark.task.resource.gpu.amount=1"), r.stdout());
    }

    @Test
    void prepareHasNoDefaultPropertiesAndKeepsItsOwnConfOptions() throws IOException {
        Shell.Result r = wrapper("prepare.sh", "--input", "hdfs:///d/x.xml.bz2", "--master", "local[2]",
                "--deploy-mode", "client", "--conf", "spark.sql.shuffle.partitions=8", "--tokenizer", "t.json");

        assertEquals(0, r.exit(), r.both());
        assertEquals(List.of("--master", "local[2]", "--deploy-mode", "client", "--name", "bg2vec-prepare",
                "--class", "org.bg2vec.cli.Main", jar.toString(), "prepare", "--input", "hdfs:///d/x.xml.bz2",
                "--conf", "spark.sql.shuffle.partitions=8", "--tokenizer", "t.json"), args(r));
    }

    @Test
    void siteDefaultsComeFirstInATemporaryMergedPropertiesFileThatIsRemovedAfterwards() throws IOException {
        Files.writeString(siteConf.resolve("spark-defaults.conf"), "spark.yarn.queue gpu\n");

        Shell.Result r = wrapper("encode.sh", "--master", "k8s://https://api:443", "--model", "m");

        assertEquals(0, r.exit(), r.both());
        List<String> args = args(r);
        String merged = args.get(args.indexOf("--properties-file") + 1);
        assertTrue(merged.startsWith(tmp.toString()), merged);
        assertFalse(Files.exists(Path.of(merged)), "temporary properties file left behind: " + merged);
        List<String> props = props(r);
        int site = props.indexOf("spark.yarn.queue gpu");
        int ours = props.indexOf("spark.executor.resource.gpu.amount=1");
        assertTrue(site >= 0 && ours > site, "site defaults must come before ours: " + props);
        assertFalse(args.contains("--files"), "no discovery script shipping outside YARN: " + args);
        assertTrue(r.stderr().contains("spark-defaults.conf"), r.stderr());
    }

    @Test
    void noSiteDefaultsAndExplicitPropertiesFileAreHonoured() throws IOException {
        Files.writeString(siteConf.resolve("spark-defaults.conf"), "spark.yarn.queue gpu\n");
        Path own = Files.writeString(tmp.resolve("own.conf"), "spark.executor.memory=2g\n");

        Shell.Result r = wrapper("evaluate.sh", "--properties-file", own.toString(), "--no-site-defaults",
                "--name", "eval-1", "--", "--help");

        assertEquals(0, r.exit(), r.both());
        assertEquals(List.of("--name", "eval-1", "--class", "org.bg2vec.cli.Main", "--properties-file",
                own.toString(), jar.toString(), "evaluate", "--help"), args(r));
        assertEquals(List.of("spark.executor.memory=2g"), props(r));
    }

    @Test
    void propertiesFileNoneDropsTheDefault() throws IOException {
        Shell.Result r = wrapper("train.sh", "--properties-file", "none", "--config", "c.json");

        assertEquals(0, r.exit(), r.both());
        assertFalse(args(r).contains("--properties-file"), args(r).toString());
    }

    @Test
    void dryRunPrintsAQuotedCommandAndRunsNothing() throws IOException {
        Shell.Result r = wrapper("train.sh", "--dry-run", "--master", "yarn", "--config", "a b.json");

        assertEquals(0, r.exit(), r.both());
        assertTrue(args(r).isEmpty(), "spark-submit must not run: " + r.stdout());
        assertTrue(r.stdout().startsWith(sparkHome.resolve("bin/spark-submit") + " --master yarn"), r.stdout());
        assertTrue(r.stdout().trim().endsWith("train --config a\\ b.json"), r.stdout());
    }

    @Test
    void missingSparkSubmitIsAClearError() throws IOException {
        assumeFalse(Files.exists(Path.of("/usr/bin/spark-submit")) || Files.exists(Path.of("/bin/spark-submit")),
                "this machine has spark-submit in /usr/bin");
        Shell.Result r = Shell.run(List.of("submit/train.sh", "--config", "c.json"),
                Map.of("PATH", "/usr/bin:/bin", "BG2VEC_JAR", jar.toString()), List.of("SPARK_HOME"));

        assertEquals(2, r.exit(), r.both());
        assertTrue(r.stderr().contains("spark-submit not found: set SPARK_HOME"), r.stderr());
    }

    @Test
    void sparkHomeWithoutSparkSubmitIsNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("not-spark"));
        Shell.Result r = Shell.run(List.of("submit/prepare.sh", "--input", "x"),
                Map.of("SPARK_HOME", empty.toString(), "BG2VEC_JAR", jar.toString()));

        assertEquals(2, r.exit(), r.both());
        assertTrue(r.stderr().contains("SPARK_HOME=" + empty + " has no executable bin/spark-submit"), r.stderr());
    }

    @Test
    void badOptionsAndAMissingJarAreRefusedBeforeSparkSubmitRuns() throws IOException {
        Shell.Result mode = wrapper("prepare.sh", "--deploy-mode", "remote");
        assertEquals(2, mode.exit(), mode.both());
        assertTrue(mode.stderr().contains("--deploy-mode must be client or cluster, not 'remote'"), mode.stderr());

        Shell.Result conf = wrapper("prepare.sh", "--spark-conf", "novalue");
        assertEquals(2, conf.exit(), conf.both());
        assertTrue(conf.stderr().contains("--spark-conf expects K=V, got 'novalue'"), conf.stderr());

        Shell.Result ship = wrapper("train.sh", "--ship", tmp.resolve("nope.json").toString());
        assertEquals(2, ship.exit(), ship.both());
        assertTrue(ship.stderr().contains("nope.json: no such file"), ship.stderr());

        Shell.Result noJar = Shell.run(List.of("submit/prepare.sh", "--input", "x"),
                Map.of("SPARK_HOME", sparkHome.toString(), "BG2VEC_JAR", tmp.resolve("gone.jar").toString()));
        assertEquals(2, noJar.exit(), noJar.both());
        assertTrue(noJar.stderr().contains("gone.jar does not exist"), noJar.stderr());
        for (Shell.Result r : List.of(mode, conf, ship, noJar)) {
            assertTrue(args(r).isEmpty(), "spark-submit ran: " + r.stdout());
        }
    }
}
