package org.bg2vec.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every shell script under submit/, conf/ and data-prep/ parses ({@code bash -n}), is executable, answers
 * {@code --help} with exit 0 without Spark or a GPU, and passes shellcheck when shellcheck is installed.
 */
class ShellScriptsTest {

    /** The local launcher builds the project when its jar is missing: not run with --help here (CI runs it). */
    private static final List<String> NOT_RUN_WITH_HELP = List.of("submit/bg2vec");

    /** Files ending in .sh, or starting with a bash/sh shebang, under the script folders. */
    static List<String> scripts() throws IOException {
        List<String> found = new ArrayList<>();
        for (String folder : List.of("submit", "conf", "data-prep")) {
            Path dir = Shell.ROOT.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    if (f.toString().endsWith(".sh") || hasShellShebang(f)) {
                        found.add(Shell.ROOT.relativize(f).toString());
                    }
                }
            }
        }
        return found;
    }

    private static boolean hasShellShebang(Path f) throws IOException {
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String first = new String(head, 0, n, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        return first.startsWith("#!") && (first.endsWith("bash") || first.endsWith("/sh"));
    }

    @Test
    void theScriptFoldersHoldTheClusterScripts() throws IOException {
        List<String> scripts = scripts();
        for (String expected : List.of("submit/prepare.sh", "submit/train.sh", "submit/encode.sh",
                "submit/evaluate.sh", "submit/lib/spark-submit-common.sh", "submit/bg2vec",
                "conf/getGpusResources.sh", "data-prep/download-bgwiki.sh")) {
            assertTrue(scripts.contains(expected), expected + " not among " + scripts);
        }
    }

    @Test
    void everyScriptParsesWithBashDashN() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String script : scripts()) {
            Shell.Result r = Shell.run(List.of("bash", "-n", script), Map.of());
            if (r.exit() != 0) {
                failures.add(script + ": " + r.stderr());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void everyScriptIsExecutableAndAnswersHelpWithoutSparkOrGpu() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String script : scripts()) {
            if (!Files.isExecutable(Shell.ROOT.resolve(script))) {
                failures.add(script + ": not executable (git update-index --chmod=+x)");
                continue;
            }
            if (NOT_RUN_WITH_HELP.contains(script)) {
                continue;
            }
            Shell.Result r = Shell.run(List.of("./" + script, "--help"),
                    Map.of("PATH", "/usr/bin:/bin", "NVIDIA_SMI", "/nonexistent/nvidia-smi"),
                    List.of("SPARK_HOME", "SPARK_CONF_DIR", "BG2VEC_JAR"));
            if (r.exit() != 0 || r.stdout().isBlank()) {
                failures.add(script + " --help: " + r.both());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void everyScriptPassesShellcheck() throws IOException {
        assumeTrue(Shell.available("shellcheck"), "shellcheck is not installed on this machine: skipped "
                + "(Debian/Ubuntu: apt-get install shellcheck)");
        List<String> command = new ArrayList<>(List.of("shellcheck", "-x"));
        command.addAll(scripts());
        Shell.Result r = Shell.run(command, Map.of());
        assertEquals(0, r.exit(), r.both());
    }
}
