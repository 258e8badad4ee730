package org.bg2vec.djl;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before DJL's engine starts, that this process (a GPU executor) can load a CUDA build of
 * libtorch offline, and NCCL when gradients are summed across GPUs. Spark-free: the environment and
 * system properties come in as maps, so the rules are unit-tested with fake directories.
 *
 * <p>The jar carries only the CPU libtorch. DJL 0.36 loads a CUDA libtorch offline in two ways, both
 * through {@code PYTORCH_LIBRARY_PATH} (DJL ignores any other location while the CPU native jar is on
 * the classpath, and with a wrong version or flavor it tries to download from the internet):
 * <ol>
 *   <li>{@code PYTORCH_LIBRARY_PATH} = a libtorch 2.7.1+cu128 {@code lib/} directory or a pip
 *       {@code torch==2.7.1+cu128} {@code torch/lib} directory, with {@code PYTORCH_FLAVOR=cu128} and
 *       {@code PYTORCH_VERSION=2.7.1}; DJL copies the cu128 JNI library from the jar into its cache
 *       directory, which must be writable;</li>
 *   <li>a prepared directory in DJL's cache layout,
 *       {@code <DJL_CACHE_DIR>/pytorch/2.7.1-<flavor>-linux-x86_64/}, holding the libtorch libraries and
 *       {@code 0.36.0-libdjl_torch.so}, with {@code PYTORCH_LIBRARY_PATH} pointing at it (for read-only
 *       images, or a flavor whose JNI the jar does not carry).</li>
 * </ol>
 * NCCL comes from the host ({@code libnccl.so.2}): {@code BG2VEC_NCCL_LIBRARY} (file or directory),
 * {@code LD_LIBRARY_PATH}, pip's {@code nvidia/nccl/lib} next to {@code torch/lib}, or the system
 * library directories. The NCCL bindings also load the CUDA runtime ({@code libcudart.so.12}; the copy inside
 * a libtorch zip carries a hashed name and does not count): {@code LD_LIBRARY_PATH}, pip's
 * {@code nvidia/cuda_runtime/lib}, {@code /usr/local/cuda/lib64}, or the system library directories
 * (including those listed in {@code /etc/ld.so.conf.d}).
 *
 * <p>{@link #check(boolean)} reports every problem at once in one {@link GpuLibrariesException}.
 */
public final class GpuLibraries {

    public static final String NCCL_LIBRARY = "libnccl.so.2";
    public static final String NCCL_ENV = "BG2VEC_NCCL_LIBRARY";
    /** The CUDA runtime the NCCL bindings (org.bytedeco cuda) load. */
    public static final String CUDART_LIBRARY = "libcudart.so.12";
    static final String LIBTORCH = "libtorch.so";
    static final List<String> CUDA_LIBS = List.of("libtorch_cuda.so", "libc10_cuda.so");
    /** Where the dynamic linker looks without LD_LIBRARY_PATH on common x86-64 distributions. */
    public static final List<Path> SYSTEM_LIBRARY_DIRS = List.of(Paths.get("/lib/x86_64-linux-gnu"),
            Paths.get("/usr/lib/x86_64-linux-gnu"), Paths.get("/lib64"), Paths.get("/usr/lib64"),
            Paths.get("/lib"), Paths.get("/usr/lib"));
    /** Where CUDA toolkits and the nvidia/cuda images put libcudart (searched after the system directories). */
    static final List<Path> CUDA_LIBRARY_DIRS = List.of(Paths.get("/usr/local/cuda/lib64"),
            Paths.get("/usr/local/cuda/targets/x86_64-linux/lib"));
    private static final Pattern PIP_VERSION = Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]+)['\"]");

    /** What was found; {@code jniFromJar} means DJL will copy the JNI from the jar to {@code jniLibrary}. */
    public record Found(Path libtorchDir, String pytorchVersion, String flavor, Path jniLibrary,
                        boolean jniFromJar, Optional<Path> ncclLibrary, Optional<Path> cudartLibrary) {

        /** One line for the executor log. */
        public String describe() {
            return "CUDA libtorch " + pytorchVersion + " (" + flavor + ") in " + libtorchDir + ", JNI "
                    + jniLibrary + (jniFromJar ? " (copied from the jar)" : " (prepared)")
                    + ncclLibrary.map(p -> ", NCCL " + p).orElse("")
                    + cudartLibrary.map(p -> ", CUDA runtime " + p).orElse("");
        }
    }

    private final Map<String, String> env;
    private final Map<String, String> properties;
    private final JniBundle jni;
    private final List<Path> systemLibraryDirs;
    private final String host;

    /**
     * @param env the process environment (e.g. {@code System.getenv()})
     * @param properties system properties ({@code DJL_CACHE_DIR}, {@code ENGINE_CACHE_DIR},
     *                   {@code PYTORCH_FLAVOR}, {@code PYTORCH_VERSION}, {@code user.home})
     * @param jni the JNI libraries available on the classpath
     * @param systemLibraryDirs directories the dynamic linker searches by default
     * @param host the host name used in messages
     */
    public GpuLibraries(Map<String, String> env, Map<String, String> properties, JniBundle jni,
                        List<Path> systemLibraryDirs, String host) {
        this.env = Map.copyOf(env);
        this.properties = Map.copyOf(properties);
        this.jni = jni;
        this.systemLibraryDirs = List.copyOf(systemLibraryDirs);
        this.host = host;
    }

    /** The checker for this JVM: its environment, system properties and classpath. */
    public static GpuLibraries forThisProcess() {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return new GpuLibraries(System.getenv(), props, JniBundle.fromClasspath(),
                systemLibraryDirs(Paths.get("/etc/ld.so.conf")), hostName());
    }

    /**
     * Checks this process and returns what DJL will load; call on a GPU executor before
     * {@link DjlRuntime#engine()}.
     *
     * @param needNccl whether NCCL and the CUDA runtime must be loadable (more than one GPU worker)
     * @throws GpuLibrariesException naming every problem and its fix
     */
    public static Found requireForThisProcess(boolean needNccl) {
        return forThisProcess().check(needNccl);
    }

    /**
     * Checks this machine from the command line, e.g. on a GPU node before a long job:
     * {@code java -cp bg2vec-<version>-cluster.jar org.bg2vec.djl.GpuLibraries [--nccl]}.
     * Prints what DJL will load (exit 0) or every problem (exit 1).
     */
    public static void main(String[] args) {
        System.exit(run(args, forThisProcess(), System.out, System.err));
    }

    static int run(String[] args, GpuLibraries checker, PrintStream out, PrintStream err) {
        boolean nccl = false;
        for (String a : args) {
            if (a.equals("--nccl")) {
                nccl = true;
            } else {
                err.println("usage: GpuLibraries [--nccl]   (checks the CUDA libtorch for DJL, and NCCL with --nccl)");
                return 2;
            }
        }
        try {
            out.println(checker.check(nccl).describe());
            return 0;
        } catch (GpuLibrariesException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    /** Runs every check; throws one exception listing all problems. */
    public Found check(boolean needNccl) {
        List<String> problems = new ArrayList<>();
        String flavor = checkFlavor(problems);
        String version = checkVersion(problems);
        Path libtorch = findLibtorch(problems);
        if (libtorch != null) {
            checkCudaBuild(libtorch, flavor, problems);
        }
        Path jniPath = null;
        boolean fromJar = false;
        if (flavor != null && version != null) {
            Path cacheDir = engineCacheDir().resolve("pytorch")
                    .resolve(version + "-" + flavor + "-" + jni.classifier());
            jniPath = cacheDir.resolve(jni.preparedJniFileName());
            fromJar = !Files.isRegularFile(jniPath);
            if (fromJar) {
                checkJniFromJar(flavor, cacheDir, libtorch, problems);
            }
        }
        Optional<Path> nccl = needNccl ? findNccl(libtorch, problems) : Optional.empty();
        Optional<Path> cudart = needNccl ? findCudart(libtorch, problems) : Optional.empty();
        if (!problems.isEmpty()) {
            throw new GpuLibrariesException(host, problems);
        }
        return new Found(libtorch, version, flavor, jniPath, fromJar, nccl, cudart);
    }

    private String checkFlavor(List<String> problems) {
        String flavor = envOrProperty("PYTORCH_FLAVOR");
        if (flavor == null || flavor.isBlank()) {
            problems.add("PYTORCH_FLAVOR is not set: DJL would load its CPU JNI next to a CUDA libtorch; set "
                    + "PYTORCH_FLAVOR=cu128 (spark.executorEnv.PYTORCH_FLAVOR)");
            return null;
        }
        if (!flavor.startsWith("cu")) {
            problems.add("PYTORCH_FLAVOR=" + flavor + " is not a CUDA flavor; set PYTORCH_FLAVOR=cu128");
            return null;
        }
        return flavor;
    }

    private String checkVersion(List<String> problems) {
        String version = envOrProperty("PYTORCH_VERSION");
        if (version == null || version.isBlank()) {
            problems.add("PYTORCH_VERSION is not set; set PYTORCH_VERSION=" + jni.pytorchVersion()
                    + " (spark.executorEnv.PYTORCH_VERSION), the version DJL " + jni.djlVersion()
                    + "'s JNI is built for");
            return null;
        }
        if (!version.equals(jni.pytorchVersion())) {
            problems.add("PYTORCH_VERSION=" + version + " but DJL " + jni.djlVersion() + "'s JNI is built for "
                    + "PyTorch " + jni.pytorchVersion() + " (DJL would try to download another JNI); use a "
                    + "libtorch " + jni.pytorchVersion() + " and set PYTORCH_VERSION=" + jni.pytorchVersion());
            return null;
        }
        return version;
    }

    /** DJL's rule: the first PYTORCH_LIBRARY_PATH entry that is, or contains, libtorch.so. */
    private Path findLibtorch(List<String> problems) {
        String value = env.get("PYTORCH_LIBRARY_PATH");
        if (value == null || value.isBlank()) {
            problems.add("PYTORCH_LIBRARY_PATH is not set: the jar's CPU libtorch cannot use GPUs; set "
                    + "spark.executorEnv.PYTORCH_LIBRARY_PATH to a libtorch " + jni.pytorchVersion()
                    + "+cu128 lib/ directory, a pip torch==" + jni.pytorchVersion() + "+cu128 torch/lib "
                    + "directory, or a prepared DJL directory");
            return null;
        }
        List<String> rejected = new ArrayList<>();
        for (String entry : value.split(":")) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Paths.get(entry);
            if (Files.isRegularFile(p) && p.getFileName().toString().equals(LIBTORCH)) {
                return p.toAbsolutePath().getParent();
            }
            if (Files.isRegularFile(p.resolve(LIBTORCH))) {
                return p.toAbsolutePath();
            }
            rejected.add(entry + (Files.exists(p) ? " (no " + LIBTORCH + ")" : " (does not exist)"));
        }
        problems.add("PYTORCH_LIBRARY_PATH=" + value + " holds no " + LIBTORCH + ": " + String.join(", ", rejected)
                + "; install libtorch " + jni.pytorchVersion() + "+cu128 on every GPU host (or in the image) "
                + "and point PYTORCH_LIBRARY_PATH at its lib/ directory");
        return null;
    }

    private void checkCudaBuild(Path libtorch, String flavor, List<String> problems) {
        List<String> missing = new ArrayList<>();
        for (String lib : CUDA_LIBS) {
            if (!Files.isRegularFile(libtorch.resolve(lib))) {
                missing.add(lib);
            }
        }
        if (!missing.isEmpty()) {
            problems.add(libtorch + " is not a CUDA build of libtorch (missing " + String.join(", ", missing)
                    + "); use libtorch " + jni.pytorchVersion() + "+cu128");
        }
        Optional<String> built = builtVersion(libtorch);
        if (built.isEmpty()) {
            return;
        }
        String b = built.get();
        String release = b.contains("+") ? b.substring(0, b.indexOf('+')) : b;
        if (!release.equals(jni.pytorchVersion())) {
            problems.add(libtorch + " is libtorch " + b + ", not " + jni.pytorchVersion() + " (DJL "
                    + jni.djlVersion() + " supports only " + jni.pytorchVersion() + "); install libtorch "
                    + jni.pytorchVersion() + "+cu128");
        } else if (flavor != null && b.contains("+cu") && !b.endsWith("+" + flavor)) {
            problems.add(libtorch + " is libtorch " + b + " but PYTORCH_FLAVOR=" + flavor
                    + "; set PYTORCH_FLAVOR to the build's CUDA flavor (" + b.substring(b.indexOf('+') + 1)
                    + ") with a matching JNI, or install libtorch " + jni.pytorchVersion() + "+" + flavor);
        }
    }

    /** libtorch zips have {@code build-version} next to {@code lib/}; pip torch has {@code version.py}. */
    static Optional<String> builtVersion(Path libtorch) {
        Path parent = libtorch.getParent();
        if (parent == null) {
            return Optional.empty();
        }
        try {
            Path buildVersion = parent.resolve("build-version");
            if (Files.isRegularFile(buildVersion)) {
                String v = Files.readString(buildVersion, StandardCharsets.UTF_8).trim();
                return v.isEmpty() ? Optional.empty() : Optional.of(v);
            }
            Path versionPy = parent.resolve("version.py");
            if (Files.isRegularFile(versionPy)) {
                Matcher m = PIP_VERSION.matcher(Files.readString(versionPy, StandardCharsets.UTF_8));
                return m.find() ? Optional.of(m.group(1)) : Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private void checkJniFromJar(String flavor, Path cacheDir, Path libtorch, List<String> problems) {
        if (!jni.flavors().contains(flavor)) {
            StringBuilder msg = new StringBuilder("no DJL JNI for flavor " + flavor + ": the jar carries "
                    + jni.flavors() + " for " + jni.classifier() + " and " + cacheDir.resolve(
                    jni.preparedJniFileName()) + " does not exist; use PYTORCH_FLAVOR=cu128 or prepare that file");
            if (libtorch != null && Files.isRegularFile(libtorch.resolve(jni.preparedJniFileName()))) {
                Path root = libtorch.getParent() == null ? null : libtorch.getParent().getParent();
                msg.append(" (").append(libtorch).append(" holds one, but DJL only looks in its cache directory");
                if (root != null && "pytorch".equals(libtorch.getParent().getFileName().toString())) {
                    msg.append(": set DJL_CACHE_DIR=").append(root);
                } else {
                    msg.append(": lay it out as <DJL_CACHE_DIR>/pytorch/").append(cacheDir.getFileName());
                }
                msg.append(')');
            }
            problems.add(msg.toString());
            return;
        }
        Path existing = cacheDir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            problems.add("DJL must copy its " + flavor + " JNI into " + cacheDir + " but "
                    + (existing == null ? "no parent of it exists" : existing + " is not a writable directory")
                    + "; set DJL_CACHE_DIR (spark.executorEnv.DJL_CACHE_DIR) to a writable local directory");
        }
    }

    private Optional<Path> findNccl(Path libtorch, List<String> problems) {
        String explicit = env.get(NCCL_ENV);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Paths.get(explicit);
            Path lib = Files.isDirectory(p) ? p.resolve(NCCL_LIBRARY) : p;
            if (Files.isRegularFile(lib)) {
                return Optional.of(lib.toAbsolutePath());
            }
            problems.add(NCCL_ENV + "=" + explicit + " but " + lib + " does not exist");
            return Optional.empty();
        }
        List<Path> searched = linkerDirs(libtorch, "nccl", true);
        Optional<Path> found = firstHolding(searched, NCCL_LIBRARY);
        if (found.isEmpty()) {
            problems.add(NCCL_LIBRARY + " not found (needed to sum gradients across GPUs); looked in "
                    + searched + "; install NVIDIA's libnccl2 (or pip nvidia-nccl-cu12) on every GPU host and add "
                    + "its directory to LD_LIBRARY_PATH (spark.executor.extraLibraryPath) or set " + NCCL_ENV);
        }
        return found;
    }

    /** libcudart.so.12 where the dynamic linker finds it: LD_LIBRARY_PATH, pip's layout, system and CUDA dirs. */
    private Optional<Path> findCudart(Path libtorch, List<String> problems) {
        List<Path> searched = linkerDirs(libtorch, "cuda_runtime", false);
        Optional<Path> found = firstHolding(searched, CUDART_LIBRARY);
        if (found.isEmpty()) {
            problems.add(CUDART_LIBRARY + " not found (the CUDA 12 runtime the NCCL bindings load); looked in "
                    + searched + "; install the CUDA 12 runtime (cuda-cudart-12-x, part of the nvidia/cuda runtime"
                    + " images; or pip nvidia-cuda-runtime-cu12) on every GPU host and add its directory to"
                    + " LD_LIBRARY_PATH (spark.executor.extraLibraryPath)");
        }
        return found;
    }

    /**
     * Where a library is looked for: LD_LIBRARY_PATH, the libtorch directory when {@code withLibtorch}, pip's
     * {@code site-packages/nvidia/<pipPackage>/lib} next to {@code torch/lib} (libtorch_cuda.so's RPATH), then the
     * dynamic linker's directories.
     */
    private List<Path> linkerDirs(Path libtorch, String pipPackage, boolean withLibtorch) {
        List<Path> dirs = ldLibraryPath();
        if (libtorch != null) {
            if (withLibtorch) {
                dirs.add(libtorch);
            }
            if (libtorch.getParent() != null && libtorch.getParent().getParent() != null) {
                dirs.add(libtorch.getParent().getParent().resolve("nvidia").resolve(pipPackage).resolve("lib"));
            }
        }
        dirs.addAll(systemLibraryDirs);
        return dirs;
    }

    private static Optional<Path> firstHolding(List<Path> dirs, String library) {
        for (Path dir : dirs) {
            Path lib = dir.resolve(library);
            if (Files.isRegularFile(lib)) {
                return Optional.of(lib.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private List<Path> ldLibraryPath() {
        List<Path> out = new ArrayList<>();
        for (String entry : env.getOrDefault("LD_LIBRARY_PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                out.add(Paths.get(entry));
            }
        }
        return out;
    }

    /**
     * The dynamic linker's default directories: {@link #SYSTEM_LIBRARY_DIRS} plus the directories listed in
     * {@code ldSoConf} and the files it includes (e.g. {@code /etc/ld.so.conf.d/*.conf}, where CUDA packages add
     * theirs), then {@link #CUDA_LIBRARY_DIRS}. Unreadable files are skipped.
     */
    static List<Path> systemLibraryDirs(Path ldSoConf) {
        List<Path> out = new ArrayList<>(SYSTEM_LIBRARY_DIRS);
        readLdSoConf(ldSoConf, out, 0);
        for (Path p : CUDA_LIBRARY_DIRS) {
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private static void readLdSoConf(Path file, List<Path> out, int depth) {
        if (depth > 4 || !Files.isRegularFile(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return;
        }
        for (String raw : lines) {
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')).strip() : raw.strip();
            if (line.startsWith("include")) {
                String pattern = line.substring("include".length()).strip();
                Path p = file.getParent() == null || pattern.startsWith("/") ? Paths.get(pattern)
                        : file.getParent().resolve(pattern);
                includeGlob(p, out, depth);
            } else if (!line.isEmpty() && !out.contains(Paths.get(line))) {
                out.add(Paths.get(line));
            }
        }
    }

    private static void includeGlob(Path pattern, List<Path> out, int depth) {
        Path dir = pattern.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        java.nio.file.PathMatcher m = dir.getFileSystem().getPathMatcher("glob:" + pattern.getFileName());
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.filter(f -> m.matches(f.getFileName())).sorted().forEach(f -> readLdSoConf(f, out, depth + 1));
        } catch (IOException e) {
            // unreadable directory: skipped
        }
    }

    /** DJL's rule: ENGINE_CACHE_DIR, else DJL_CACHE_DIR, else ~/.djl.ai; environment before properties. */
    Path engineCacheDir() {
        String engineDir = envOrProperty("ENGINE_CACHE_DIR");
        if (engineDir != null && !engineDir.isEmpty()) {
            return Paths.get(engineDir);
        }
        String cacheDir = envOrProperty("DJL_CACHE_DIR");
        if (cacheDir != null && !cacheDir.isEmpty()) {
            return Paths.get(cacheDir);
        }
        return Paths.get(properties.getOrDefault("user.home", ""), ".djl.ai");
    }

    private String envOrProperty(String name) {
        String v = env.get(name);
        return v != null ? v : properties.get(name);
    }

    /** This host's name, for messages. */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return System.getenv().getOrDefault("HOSTNAME", "(unknown host)");
        }
    }
}
