package org.bg2vec.modelstore;

import ai.djl.ndarray.NDManager;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model cache on the local file system under another path than the working directory (file: URIs) and
 * under another scheme (testfs:, which is fetched like hdfs:).
 */
class ModelStoreTest {

    @TempDir
    Path tmp;

    private ModelStore store(Path root, ModelStore.VerifiedCopies verified) {
        return new ModelStore(root, RemoteLikeFileSystem.conf(), Duration.ofSeconds(30), verified);
    }

    /** A small model-like directory: config, two shards, their index, tokenizer, and files bg2vec never reads. */
    private Path smallSource(String name) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("hdfs-like").resolve(name));
        Files.writeString(src.resolve("config.json"), "{\"model_type\": \"mistral\"}");
        Files.write(src.resolve(TestModels.shardName(0)), bytes(70_000, 1));
        Files.write(src.resolve(TestModels.shardName(1)), bytes(50_000, 2));
        Files.writeString(src.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"a\": \""
                + TestModels.shardName(0) + "\", \"b\": \"" + TestModels.shardName(1) + "\"}}");
        Files.writeString(src.resolve("tokenizer.json"), "{\"model\": {}}");
        Files.writeString(src.resolve("pytorch_model.bin"), "skipped");
        Files.createDirectories(src.resolve("original"));
        return src;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static void assertSameFiles(Path source, Path copy) throws IOException {
        for (String f : List.of("config.json", TestModels.shardName(0), TestModels.shardName(1),
                "model.safetensors.index.json", "tokenizer.json")) {
            assertArrayEquals(Files.readAllBytes(source.resolve(f)), Files.readAllBytes(copy.resolve(f)), f);
        }
        assertFalse(Files.exists(copy.resolve("pytorch_model.bin")), "only what bg2vec reads is fetched");
    }

    @Test
    void aHadoopUriIsFetchedOnceIntoTheCacheAndReused() throws IOException {
        Path src = smallSource("m");
        Path root = tmp.resolve("cache");
        ModelStore store = store(root, new ModelStore.VerifiedCopies());
        String uri = RemoteLikeFileSystem.uri(src);

        ModelStore.LocalModel first = store.localDirectory(uri);
        assertTrue(first.fetched());
        assertTrue(first.dir().startsWith(root), first.dir().toString());
        assertSameFiles(src, first.dir());
        CacheMarker marker = CacheMarker.read(first.dir());
        assertEquals(ModelUris.qualify(uri, RemoteLikeFileSystem.conf()), marker.source());
        assertEquals(5, marker.files().size());

        ModelStore.LocalModel again = store.localDirectory(uri);
        assertFalse(again.fetched(), "reused");
        assertEquals(first.dir(), again.dir());
        // the same copy for another store of the same cache (a later task, stage or attempt)
        assertFalse(store(root, new ModelStore.VerifiedCopies()).fetch(uri).fetched());
    }

    @Test
    void aFileUriOutsideTheWorkingDirectoryIsFetchedWhenAskedAndOtherwiseUsedInPlace() throws IOException {
        Path src = smallSource("local");
        ModelStore store = store(tmp.resolve("cache"), new ModelStore.VerifiedCopies());
        String uri = src.toUri().toString();
        ModelStore.LocalModel fetched = store.fetch(new org.apache.hadoop.fs.Path(uri).toString());
        assertTrue(fetched.fetched());
        assertSameFiles(src, fetched.dir());
        ModelStore.LocalModel inPlace = store.localDirectory(uri);
        assertEquals(src, inPlace.dir());
        assertFalse(inPlace.fetched());
        IOException missing = assertThrows(IOException.class, () -> store.localDirectory(tmp.resolve("nope").toString()));
        assertTrue(missing.getMessage().contains("does not exist on host"), missing.getMessage());
    }

    @Test
    void concurrentTasksOfOneJvmDownloadOnce() throws Exception {
        Path src = smallSource("shared");
        ModelStore store = store(tmp.resolve("cache"), new ModelStore.VerifiedCopies());
        String uri = RemoteLikeFileSystem.uri(src);
        int tasks = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            List<Future<ModelStore.LocalModel>> results = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.localDirectory(uri);
                }));
            }
            start.countDown();
            int downloads = 0;
            Set<Path> dirs = new HashSet<>();
            for (Future<ModelStore.LocalModel> f : results) {
                ModelStore.LocalModel m = f.get(60, TimeUnit.SECONDS);
                downloads += m.fetched() ? 1 : 0;
                dirs.add(m.dir());
            }
            assertEquals(1, downloads, "exactly one task downloaded");
            assertEquals(1, dirs.size());
            assertSameFiles(src, dirs.iterator().next());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void executorJvmsOnOneHostShareOneDownload() throws Exception {
        Path src = smallSource("two-jvms");
        Path root = tmp.resolve("cache");
        String uri = RemoteLikeFileSystem.uri(src);
        List<Process> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                jvms.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), FetchMain.class.getName(), root.toString(), uri)
                        .redirectErrorStream(true).start());
            }
            int downloads = 0;
            Set<String> dirs = new HashSet<>();
            for (Process p : jvms) {
                String out = new String(p.getInputStream().readAllBytes());
                assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), out);
                String line = out.lines().filter(l -> l.startsWith("fetched=")).findFirst().orElseThrow();
                downloads += line.startsWith("fetched=true") ? 1 : 0;
                dirs.add(line.substring(line.indexOf("dir=")));
            }
            assertEquals(1, downloads, "one JVM downloaded, the other waited and reused the copy");
            assertEquals(1, dirs.size());
        } finally {
            jvms.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void aChangedSourceIsFetchedAgainAndTheStaleCopyRemoved() throws IOException {
        Path src = smallSource("changing");
        ModelStore store = store(tmp.resolve("cache"), new ModelStore.VerifiedCopies());
        String uri = RemoteLikeFileSystem.uri(src);
        Path old = store.fetch(uri).dir();

        byte[] updated = bytes(70_000, 9); // same length, new content and modification time
        Files.write(src.resolve(TestModels.shardName(0)), updated);
        Files.setLastModifiedTime(src.resolve(TestModels.shardName(0)), FileTime.fromMillis(
                Files.getLastModifiedTime(src.resolve(TestModels.shardName(0))).toMillis() + 5_000));
        ModelStore.LocalModel m = store.fetch(uri);
        assertTrue(m.fetched(), "the source changed");
        assertNotEquals(old, m.dir());
        assertArrayEquals(updated, Files.readAllBytes(m.dir().resolve(TestModels.shardName(0))));
        assertFalse(Files.exists(old), "the stale copy is removed");
    }

    @Test
    void aTruncatedCachedCopyIsFetchedAgainNeverUsed() throws IOException {
        Path src = smallSource("truncated");
        ModelStore store = store(tmp.resolve("cache"), new ModelStore.VerifiedCopies());
        String uri = RemoteLikeFileSystem.uri(src);
        Path copy = store.fetch(uri).dir();
        try (RandomAccessFile f = new RandomAccessFile(copy.resolve(TestModels.shardName(1)).toFile(), "rw")) {
            f.setLength(10_000);
        }
        ModelStore.LocalModel m = store.fetch(uri);
        assertTrue(m.fetched(), "the truncated copy is not used");
        assertSameFiles(src, m.dir());
    }

    @Test
    void aCorruptedCopyOfTheSameSizeIsCaughtByTheContentHashOfANewJvm() throws IOException {
        Path src = smallSource("bitrot");
        Path root = tmp.resolve("cache");
        String uri = RemoteLikeFileSystem.uri(src);
        Path copy = store(root, new ModelStore.VerifiedCopies()).fetch(uri).dir();
        byte[] b = Files.readAllBytes(copy.resolve(TestModels.shardName(0)));
        b[12_345] ^= 1;
        Files.write(copy.resolve(TestModels.shardName(0)), b);

        ModelStore.LocalModel m = store(root, new ModelStore.VerifiedCopies()).fetch(uri); // a new executor JVM
        assertTrue(m.fetched());
        assertSameFiles(src, m.dir());
    }

    @Test
    void unmarkedCopiesAndLeftoversOfAKilledFetchAreReplaced() throws IOException {
        Path src = smallSource("killed");
        Path root = tmp.resolve("cache");
        ModelStore store = store(root, new ModelStore.VerifiedCopies());
        String uri = RemoteLikeFileSystem.uri(src);
        Path copy = store.fetch(uri).dir();
        Files.delete(copy.resolve(CacheMarker.FILE));
        Path leftover = Files.createDirectories(copy.getParent().resolve(".tmp-killed"));
        Files.writeString(leftover.resolve("config.json"), "{");

        ModelStore.LocalModel m = store.fetch(uri);
        assertTrue(m.fetched(), "a copy without its completion marker is never used");
        assertFalse(Files.exists(leftover));
        try (Stream<Path> entries = Files.list(copy.getParent())) {
            assertEquals(List.of(m.dir()), entries.toList());
        }
    }

    @Test
    void anIncompleteShardedUploadIsAClearError() throws IOException {
        Path src = smallSource("incomplete");
        Files.delete(src.resolve(TestModels.shardName(1)));
        IOException e = assertThrows(IOException.class, () -> store(tmp.resolve("cache"),
                new ModelStore.VerifiedCopies()).fetch(RemoteLikeFileSystem.uri(src)));
        assertTrue(e.getMessage().contains("names shard(s) [" + TestModels.shardName(1) + "]"), e.getMessage());
    }

    @Test
    void aTaskWaitingLongerThanTheTimeoutFailsWithAClearMessage() throws Exception {
        Path src = smallSource("busy");
        Path root = tmp.resolve("cache");
        String uri = RemoteLikeFileSystem.uri(src);
        ModelStore impatient = new ModelStore(root, RemoteLikeFileSystem.conf(), Duration.ofMillis(300),
                new ModelStore.VerifiedCopies());
        Files.createDirectories(root);
        try (CacheLock held = CacheLock.acquire(root.resolve(ModelStore.entryName(
                ModelUris.qualify(uri, RemoteLikeFileSystem.conf())) + ".lock"),
                Duration.ofSeconds(5), "fetching " + uri, s -> { })) {
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<?> f = other.submit(() -> impatient.fetch(uri));
                Exception e = assertThrows(Exception.class, () -> f.get(30, TimeUnit.SECONDS));
                String m = e.getCause().getMessage();
                assertTrue(m.contains("gave up after 0.3 s waiting for")
                        && m.contains("fetching " + ModelUris.qualify(uri, RemoteLikeFileSystem.conf()))
                        && m.contains("BG2VEC_MODEL_CACHE_LOCK_TIMEOUT"), m);
            } finally {
                other.shutdownNow();
            }
        }
        assertTrue(impatient.fetch(uri).fetched(), "free again after the holder finished");
    }

    @Test
    void aShardedBf16CheckpointLoadsFromItsCachedCopyAsFromTheSource() throws Exception {
        Path src = TestModels.shardedBf16(tmp.resolve("bggpt-like"), 11L);
        ModelStore store = store(tmp.resolve("cache"), new ModelStore.VerifiedCopies());
        Path copy = store.localDirectory(RemoteLikeFileSystem.uri(src)).dir();
        assertFalse(Files.exists(copy.resolve("pytorch_model.bin")));
        TokenizedBatch batch = new TokenizedBatch(1, 4, new long[]{1, 450, 4996, 338}, new long[]{1, 1, 1, 1},
                new long[]{0, 1, 1, 1});
        assertArrayEquals(hidden(src, batch), hidden(copy, batch), 0f);
    }

    private static float[] hidden(Path dir, TokenizedBatch batch) throws IOException {
        DjlRuntime.engine();
        try (MistralEncoder enc = MistralEncoder.load(dir, EncoderOptions.cpu()); NDManager m = DjlRuntime.newManager()) {
            return enc.embed(m, batch, false, 0L).toFloatArray();
        }
    }
}
