package org.bg2vec.djl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU library rules on fake directories and injected environments (no GPU needed). */
class GpuLibrariesTest {

    private static final JniBundle JNI = new JniBundle("2.7.1", "0.36.0", "linux-x86_64", Set.of("cpu", "cu128"));

    @TempDir
    Path tmp;

    private Path libtorchDir(Path dir, boolean cuda) throws IOException {
        Files.createDirectories(dir);
        for (String lib : List.of("libtorch.so", "libtorch_cpu.so", "libc10.so")) {
            Files.writeString(dir.resolve(lib), "fake");
        }
        if (cuda) {
            Files.writeString(dir.resolve("libtorch_cuda.so"), "fake");
            Files.writeString(dir.resolve("libc10_cuda.so"), "fake");
        }
        return dir;
    }

    private Map<String, String> gpuEnv(Path libtorch) {
        Map<String, String> env = new HashMap<>();
        env.put("PYTORCH_LIBRARY_PATH", libtorch.toString());
        env.put("PYTORCH_FLAVOR", "cu128");
        env.put("PYTORCH_VERSION", "2.7.1");
        env.put("DJL_CACHE_DIR", tmp.resolve("djl-cache").toString());
        return env;
    }

    private GpuLibraries checker(Map<String, String> env, Map<String, String> props, List<Path> systemDirs) {
        return new GpuLibraries(env, props, JNI, systemDirs, "gpu-node-7");
    }

    private GpuLibraries checker(Map<String, String> env) {
        return checker(env, Map.of("user.home", tmp.resolve("home").toString()), List.of());
    }

    @Test
    void libtorchDirectoryWithCu128FlavorUsesTheJarsJniInTheCacheDirectory() throws IOException {
        Path lib = libtorchDir(tmp.resolve("libtorch/lib"), true);
        Files.writeString(tmp.resolve("libtorch/build-version"), "2.7.1+cu128\n");

        GpuLibraries.Found found = checker(gpuEnv(lib)).check(false);

        assertEquals(lib.toAbsolutePath(), found.libtorchDir());
        assertEquals("cu128", found.flavor());
        assertEquals("2.7.1", found.pytorchVersion());
        assertTrue(found.jniFromJar());
        assertEquals(tmp.resolve("djl-cache/pytorch/2.7.1-cu128-linux-x86_64/0.36.0-libdjl_torch.so"),
                found.jniLibrary());
        assertTrue(found.ncclLibrary().isEmpty());
    }

    @Test
    void firstPathEntryHoldingLibtorchWinsAndAFileEntryNamesItsDirectory() throws IOException {
        Path lib = libtorchDir(tmp.resolve("torch/lib"), true);
        Map<String, String> env = gpuEnv(lib);
        env.put("PYTORCH_LIBRARY_PATH", tmp.resolve("missing") + ":" + tmp + ":" + lib.resolve("libtorch.so"));

        assertEquals(lib.toAbsolutePath(), checker(env).check(false).libtorchDir());
    }

    @Test
    void missingLibraryPathIsReportedWithTheFix() {
        Map<String, String> env = gpuEnv(tmp);
        env.remove("PYTORCH_LIBRARY_PATH");

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class, () -> checker(env).check(false));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("gpu-node-7"), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("PYTORCH_LIBRARY_PATH is not set"), e.getMessage());
        assertTrue(e.problems().get(0).contains("spark.executorEnv.PYTORCH_LIBRARY_PATH"), e.getMessage());
    }

    @Test
    void everyRejectedPathEntryIsNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Map<String, String> env = gpuEnv(tmp);
        env.put("PYTORCH_LIBRARY_PATH", tmp.resolve("nope") + ":" + empty);

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class, () -> checker(env).check(false));

        String p = e.problems().get(0);
        assertTrue(p.contains(tmp.resolve("nope") + " (does not exist)"), p);
        assertTrue(p.contains(empty + " (no libtorch.so)"), p);
    }

    @Test
    void cpuBuildOfLibtorchIsRejected() throws IOException {
        Path lib = libtorchDir(tmp.resolve("cpu/lib"), false);

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class,
                () -> checker(gpuEnv(lib)).check(false));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).contains("not a CUDA build"), e.getMessage());
        assertTrue(e.problems().get(0).contains("libtorch_cuda.so, libc10_cuda.so"), e.getMessage());
    }

    @Test
    void allProblemsAreReportedTogether() throws IOException {
        Path lib = libtorchDir(tmp.resolve("lib"), true);
        Map<String, String> env = gpuEnv(lib);
        env.remove("PYTORCH_FLAVOR");
        env.put("PYTORCH_VERSION", "2.5.1");

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class, () -> checker(env).check(true));

        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("PYTORCH_FLAVOR is not set"), e.getMessage());
        assertTrue(e.problems().get(1).startsWith("PYTORCH_VERSION=2.5.1 but DJL 0.36.0's JNI is built for "
                + "PyTorch 2.7.1"), e.getMessage());
        assertTrue(e.problems().get(2).startsWith("libnccl.so.2 not found"), e.getMessage());
        assertTrue(e.problems().get(3).startsWith("libcudart.so.12 not found"), e.getMessage());
    }

    @Test
    void cpuFlavorIsNotAGpuConfiguration() throws IOException {
        Map<String, String> env = gpuEnv(libtorchDir(tmp.resolve("lib"), true));
        env.put("PYTORCH_FLAVOR", "cpu");

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class, () -> checker(env).check(false));

        assertEquals(List.of("PYTORCH_FLAVOR=cpu is not a CUDA flavor; set PYTORCH_FLAVOR=cu128"), e.problems());
    }

    @Test
    void pipTorchVersionFileMustMatchTheJniVersion() throws IOException {
        Path torch = tmp.resolve("site-packages/torch");
        Path lib = libtorchDir(torch.resolve("lib"), true);
        Files.writeString(torch.resolve("version.py"), "__version__ = '2.6.0+cu126'\ngit_version = 'x'\n");

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class,
                () -> checker(gpuEnv(lib)).check(false));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).contains("is libtorch 2.6.0+cu126, not 2.7.1"), e.getMessage());
    }

    @Test
    void cudaFlavorOfTheBuildMustMatchPytorchFlavor() throws IOException {
        Path lib = libtorchDir(tmp.resolve("libtorch/lib"), true);
        Files.writeString(tmp.resolve("libtorch/build-version"), "2.7.1+cu126");

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class,
                () -> checker(gpuEnv(lib)).check(false));

        assertTrue(e.problems().get(0).contains("is libtorch 2.7.1+cu126 but PYTORCH_FLAVOR=cu128"),
                e.getMessage());
    }

    @Test
    void preparedDjlDirectoryProvidesAJniTheJarLacks() throws IOException {
        Path root = tmp.resolve("prepared");
        Path lib = libtorchDir(root.resolve("pytorch/2.7.1-cu126-linux-x86_64"), true);
        Files.writeString(lib.resolve("0.36.0-libdjl_torch.so"), "fake jni");
        Map<String, String> env = gpuEnv(lib);
        env.put("PYTORCH_FLAVOR", "cu126");
        env.put("DJL_CACHE_DIR", root.toString());

        GpuLibraries.Found found = checker(env).check(false);

        assertFalse(found.jniFromJar());
        assertEquals(lib.resolve("0.36.0-libdjl_torch.so"), found.jniLibrary());
    }

    @Test
    void preparedJniOutsideTheCacheDirectoryIsExplained() throws IOException {
        Path root = tmp.resolve("prepared");
        Path lib = libtorchDir(root.resolve("pytorch/2.7.1-cu126-linux-x86_64"), true);
        Files.writeString(lib.resolve("0.36.0-libdjl_torch.so"), "fake jni");
        Map<String, String> env = gpuEnv(lib);
        env.put("PYTORCH_FLAVOR", "cu126");   // DJL_CACHE_DIR still points elsewhere

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class, () -> checker(env).check(false));

        String p = e.problems().get(0);
        assertTrue(p.startsWith("no DJL JNI for flavor cu126: the jar carries [cpu, cu128]"), p);
        assertTrue(p.endsWith("set DJL_CACHE_DIR=" + root + ")"), p);
    }

    @Test
    void engineCacheDirWinsOverDjlCacheDirAndEnvironmentOverProperties() throws IOException {
        Path lib = libtorchDir(tmp.resolve("lib"), true);
        Map<String, String> env = gpuEnv(lib);
        env.remove("DJL_CACHE_DIR");
        Map<String, String> props = Map.of("DJL_CACHE_DIR", tmp.resolve("prop-cache").toString(),
                "ENGINE_CACHE_DIR", tmp.resolve("prop-engine").toString(), "user.home", tmp.toString());
        assertEquals(tmp.resolve("prop-engine"), checker(env, props, List.of()).engineCacheDir());

        env.put("ENGINE_CACHE_DIR", tmp.resolve("env-engine").toString());
        GpuLibraries.Found found = checker(env, props, List.of()).check(false);
        assertEquals(tmp.resolve("env-engine/pytorch/2.7.1-cu128-linux-x86_64/0.36.0-libdjl_torch.so"),
                found.jniLibrary());

        assertEquals(tmp.resolve("home/.djl.ai"), checker(Map.of()).engineCacheDir());
    }

    @Test
    void unwritableCacheDirectoryIsReported() throws IOException {
        Path lib = libtorchDir(tmp.resolve("lib"), true);
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Map<String, String> env = gpuEnv(lib);
        env.put("DJL_CACHE_DIR", file.toString());

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class, () -> checker(env).check(false));

        assertTrue(e.problems().get(0).contains(file + " is not a writable directory"), e.getMessage());
    }

    @Test
    void ncclIsFoundOnLdLibraryPathPipLayoutOrExplicitSetting() throws IOException {
        Path site = tmp.resolve("site-packages");
        Path lib = libtorchDir(site.resolve("torch/lib"), true);
        Path ncclDir = Files.createDirectories(tmp.resolve("nccl/lib"));
        Files.writeString(ncclDir.resolve("libnccl.so.2"), "fake");
        Path cudaDir = Files.createDirectories(tmp.resolve("cuda/lib64"));
        Files.writeString(cudaDir.resolve("libcudart.so.12"), "fake");

        Map<String, String> env = gpuEnv(lib);
        env.put("LD_LIBRARY_PATH", cudaDir + "::" + ncclDir);
        GpuLibraries.Found found = checker(env).check(true);
        assertEquals(ncclDir.resolve("libnccl.so.2"), found.ncclLibrary().orElseThrow());
        assertEquals(cudaDir.resolve("libcudart.so.12"), found.cudartLibrary().orElseThrow());

        Map<String, String> pipEnv = gpuEnv(lib);
        Path pipNccl = Files.createDirectories(site.resolve("nvidia/nccl/lib"));
        Files.writeString(pipNccl.resolve("libnccl.so.2"), "fake");
        Path pipCudart = Files.createDirectories(site.resolve("nvidia/cuda_runtime/lib"));
        Files.writeString(pipCudart.resolve("libcudart.so.12"), "fake");
        GpuLibraries.Found pip = checker(pipEnv).check(true);
        assertEquals(pipNccl.resolve("libnccl.so.2"), pip.ncclLibrary().orElseThrow());
        assertEquals(pipCudart.resolve("libcudart.so.12"), pip.cudartLibrary().orElseThrow());

        Map<String, String> explicitEnv = gpuEnv(lib);
        explicitEnv.put("BG2VEC_NCCL_LIBRARY", ncclDir.toString());
        explicitEnv.put("LD_LIBRARY_PATH", cudaDir.toString());
        assertEquals(ncclDir.resolve("libnccl.so.2"),
                checker(explicitEnv).check(true).ncclLibrary().orElseThrow());
    }

    @Test
    void ncclInASystemDirectoryIsFoundAndAMissingOneListsWhereItLooked() throws IOException {
        Path lib = libtorchDir(tmp.resolve("lib"), true);
        Path system = Files.createDirectories(tmp.resolve("usr/lib/x86_64-linux-gnu"));
        Map<String, String> props = Map.of("user.home", tmp.toString());

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class,
                () -> checker(gpuEnv(lib), props, List.of(system)).check(true));
        assertTrue(e.problems().get(0).contains(system.toString()), e.getMessage());
        assertTrue(e.problems().get(0).contains("LD_LIBRARY_PATH"), e.getMessage());

        Files.writeString(system.resolve("libnccl.so.2"), "fake");
        Files.writeString(system.resolve("libcudart.so.12"), "fake");
        assertEquals(system.resolve("libnccl.so.2"),
                checker(gpuEnv(lib), props, List.of(system)).check(true).ncclLibrary().orElseThrow());
    }

    @Test
    void theCudaRuntimeIsCheckedWithNcclAndAMissingOneSaysWhereItLooked() throws IOException {
        Path lib = libtorchDir(tmp.resolve("libtorch/lib"), true);
        Path ncclDir = Files.createDirectories(tmp.resolve("nccl"));
        Files.writeString(ncclDir.resolve("libnccl.so.2"), "fake");
        Map<String, String> env = gpuEnv(lib);
        env.put("LD_LIBRARY_PATH", ncclDir.toString());

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class, () -> checker(env).check(true));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("libcudart.so.12 not found"), e.getMessage());
        assertTrue(e.problems().get(0).contains(ncclDir.toString()), e.getMessage());
        assertTrue(checker(env).check(false).cudartLibrary().isEmpty(), "one GPU worker needs no NCCL nor cudart");
    }

    @Test
    void ldSoConfDirectoriesCountAsSystemDirectories() throws IOException {
        Path etc = Files.createDirectories(tmp.resolve("etc/ld.so.conf.d"));
        Path cuda = Files.createDirectories(tmp.resolve("usr/local/cuda-12.8/targets/x86_64-linux/lib"));
        Files.writeString(tmp.resolve("etc/ld.so.conf"), "# system\ninclude " + etc + "/*.conf\n/opt/extra/lib\n");
        Files.writeString(etc.resolve("988_cuda-12.conf"), cuda + "   # CUDA\n");
        Files.writeString(etc.resolve("ignored.txt"), "/not/read\n");

        List<Path> dirs = GpuLibraries.systemLibraryDirs(tmp.resolve("etc/ld.so.conf"));
        assertTrue(dirs.containsAll(GpuLibraries.SYSTEM_LIBRARY_DIRS), dirs.toString());
        assertTrue(dirs.contains(cuda) && dirs.contains(Path.of("/opt/extra/lib")), dirs.toString());
        assertFalse(dirs.contains(Path.of("/not/read")), dirs.toString());
        assertTrue(dirs.indexOf(cuda) < dirs.indexOf(Path.of("/usr/local/cuda/lib64")), "the linker's own list first");
        List<Path> plain = new java.util.ArrayList<>(GpuLibraries.SYSTEM_LIBRARY_DIRS);
        plain.addAll(GpuLibraries.CUDA_LIBRARY_DIRS);
        assertEquals(plain, GpuLibraries.systemLibraryDirs(tmp.resolve("missing.conf")));
    }

    @Test
    void explicitNcclSettingThatDoesNotExistIsAnError() throws IOException {
        Map<String, String> env = gpuEnv(libtorchDir(tmp.resolve("lib"), true));
        env.put("BG2VEC_NCCL_LIBRARY", tmp.resolve("nowhere/libnccl.so.2").toString());
        Path cudaDir = Files.createDirectories(tmp.resolve("cuda"));
        Files.writeString(cudaDir.resolve("libcudart.so.12"), "fake");
        env.put("LD_LIBRARY_PATH", cudaDir.toString());

        GpuLibrariesException e = assertThrows(GpuLibrariesException.class, () -> checker(env).check(true));

        assertEquals(List.of("BG2VEC_NCCL_LIBRARY=" + tmp.resolve("nowhere/libnccl.so.2") + " but "
                + tmp.resolve("nowhere/libnccl.so.2") + " does not exist"), e.problems());
    }

    @Test
    void commandLineCheckPrintsWhatWillBeLoadedOrEveryProblem() throws IOException {
        Path lib = libtorchDir(tmp.resolve("libtorch/lib"), true);
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();

        int ok = GpuLibraries.run(new String[0], checker(gpuEnv(lib)), new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true));
        assertEquals(0, ok, err.toString());
        assertTrue(out.toString().startsWith("CUDA libtorch 2.7.1 (cu128) in " + lib.toAbsolutePath()), out.toString());

        int missingNccl = GpuLibraries.run(new String[]{"--nccl"}, checker(gpuEnv(lib)),
                new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
        assertEquals(1, missingNccl);
        assertTrue(err.toString().contains("libnccl.so.2 not found"), err.toString());

        assertEquals(2, GpuLibraries.run(new String[]{"--bogus"}, checker(gpuEnv(lib)),
                new java.io.PrintStream(out, true), new java.io.PrintStream(err, true)));
    }

    @Test
    void jniBundleOnTheClasspathIsDjl036ForPytorch271WithCu128() {
        JniBundle real = JniBundle.fromClasspath();

        assertEquals("2.7.1", real.pytorchVersion());
        assertEquals("0.36.0", real.djlVersion());
        assertEquals("0.36.0-libdjl_torch.so", real.preparedJniFileName());
        if (real.classifier().equals("linux-x86_64")) {
            assertTrue(real.flavors().containsAll(Set.of("cpu", "cu128")), real.flavors().toString());
        }
    }

    @Test
    void jniBundleRejectsAMalformedVersion() {
        var in = new ByteArrayInputStream("jni_version=2.7.1".getBytes(StandardCharsets.UTF_8));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JniBundle.fromResources("linux-x86_64", name -> true, in));
        assertTrue(e.getMessage().contains("unexpected jni_version '2.7.1'"), e.getMessage());
        assertEquals("linux-x86_64", JniBundle.classifier("Linux", "amd64"));
        assertEquals("osx-aarch64", JniBundle.classifier("Mac OS X", "aarch64"));
    }
}
