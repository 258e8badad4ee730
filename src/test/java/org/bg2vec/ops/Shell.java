package org.bg2vec.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command from the project root with a timeout and captures its output (test helper). */
final class Shell {

    /** The project root (surefire runs the tests there). */
    static final Path ROOT = Paths.get("").toAbsolutePath();

    record Result(int exit, String stdout, String stderr) {
        String both() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Shell() {
    }

    /** Whether {@code command} is found on this machine's PATH. */
    static boolean available(String command) {
        try {
            return run(List.of("bash", "-c", "command -v " + command), Map.of()).exit() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static Result run(List<String> command, Map<String, String> env) throws IOException {
        return run(command, env, List.of());
    }

    /** Runs with the current environment plus {@code env}, minus the variables named in {@code unset}. */
    static Result run(List<String> command, Map<String, String> env, List<String> unset) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().putAll(env);
        unset.forEach(pb.environment()::remove);
        Path out = Files.createTempFile("bg2vec-shell", ".out");
        Path err = Files.createTempFile("bg2vec-shell", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after 60 s: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Writes an executable script into {@code dir}. */
    static Path script(Path dir, String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, body, StandardCharsets.UTF_8);
        if (!file.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + file + " executable");
        }
        return file;
    }
}
