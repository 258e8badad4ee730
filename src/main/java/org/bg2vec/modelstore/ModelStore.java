package org.bg2vec.modelstore;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.bg2vec.tokenize.TokenizerFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Model directories as local directories, on an executor. A {@code file:} URI is used where it is. Any other URI
 * ({@code hdfs:}, {@code s3a:}, ...) is fetched once into this host's cache and reused:
 * <ul>
 *   <li><b>Layout</b>: {@code <root>/<hash of the URI>-<name>/<source fingerprint>/} holds the copy, published by
 *       an atomic rename of a temporary sibling ({@code .tmp-*}) whose completion marker ({@link CacheMarker}:
 *       every file's length and SHA-256, computed while downloading) is written last.</li>
 *   <li><b>Verification</b>: every use lists the source ({@link SourceListing}: lengths, modification times,
 *       file-system checksums) and compares its fingerprint, so a changed source is fetched again; the cached
 *       lengths are checked every time, and the content is re-hashed once per JVM (the cost is logged). A
 *       truncated, changed or unmarked copy is removed and fetched again, never used.</li>
 *   <li><b>Concurrency</b>: one download per entry and host; the other tasks of the executor and other executors
 *       on the host wait on a {@link CacheLock} for at most the lock timeout.</li>
 * </ul>
 * The cache root is {@code BG2VEC_MODEL_CACHE}, else {@code bg2vec-model-cache} under the first Spark local
 * directory (per application on YARN; set {@code BG2VEC_MODEL_CACHE} to a persistent disk to reuse copies across
 * applications).
 */
public final class ModelStore {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

    /** Environment variable naming the cache root. */
    public static final String CACHE_ENV = "BG2VEC_MODEL_CACHE";
    /** Environment variable: seconds a task waits for another one fetching the same model. */
    public static final String LOCK_TIMEOUT_ENV = "BG2VEC_MODEL_CACHE_LOCK_TIMEOUT";
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofHours(1);
    /** Sub-directory of a Spark local directory used when {@link #CACHE_ENV} is not set. */
    public static final String DEFAULT_DIR_NAME = "bg2vec-model-cache";

    private static final int MAX_ATTEMPTS = 3;
    private static final int COPY_THREADS = 4;
    private static final long PROGRESS_NANOS = 10_000_000_000L;
    private static final VerifiedCopies THIS_JVM = new VerifiedCopies();

    /** A model directory on this host. {@code fetched}: this call downloaded it. */
    public record LocalModel(String source, Path dir, boolean fetched) {
    }

    /** Cached copies whose content was re-hashed in this JVM (one per JVM in production). */
    public static final class VerifiedCopies {
        private final Set<Path> paths = ConcurrentHashMap.newKeySet();
    }

    private final Path root;
    private final Configuration hadoop;
    private final Duration lockTimeout;
    private final VerifiedCopies verified;
    private final String host;

    /**
     * @param root        the cache root (created when needed)
     * @param hadoop      configuration of the source file systems
     * @param lockTimeout how long a task waits for another one fetching the same model
     * @param verified    the copies already content-verified in this JVM
     */
    public ModelStore(Path root, Configuration hadoop, Duration lockTimeout, VerifiedCopies verified) {
        this.root = root.toAbsolutePath().normalize();
        this.hadoop = hadoop;
        this.lockTimeout = lockTimeout;
        this.verified = verified;
        this.host = hostName();
    }

    /**
     * The store of this JVM: root {@code BG2VEC_MODEL_CACHE} from {@code env}, else {@value #DEFAULT_DIR_NAME}
     * under the first of {@code localDirs} (Spark's local directories); lock timeout from
     * {@code BG2VEC_MODEL_CACHE_LOCK_TIMEOUT} (seconds).
     */
    public static ModelStore forThisJvm(Map<String, String> env, List<String> localDirs, Configuration hadoop) {
        String dir = env.get(CACHE_ENV);
        Path root = dir != null && !dir.isBlank() ? Paths.get(dir)
                : Paths.get(localDirs.isEmpty() ? System.getProperty("java.io.tmpdir") : localDirs.get(0),
                DEFAULT_DIR_NAME);
        String t = env.get(LOCK_TIMEOUT_ENV);
        Duration timeout;
        try {
            timeout = t == null || t.isBlank() ? DEFAULT_LOCK_TIMEOUT : Duration.ofSeconds(Long.parseLong(t.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(LOCK_TIMEOUT_ENV + "=" + t + " is not a number of seconds");
        }
        return new ModelStore(root, hadoop, timeout, THIS_JVM);
    }

    /** The store outside Spark: {@code BG2VEC_MODEL_CACHE}, else the temporary directory. */
    public static ModelStore withDefaults(Configuration hadoop) {
        return forThisJvm(System.getenv(), List.of(System.getProperty("java.io.tmpdir")), hadoop);
    }

    public Path root() {
        return root;
    }

    /**
     * A local directory with the contents of {@code pathOrUri}: the directory itself for {@code file:} (and
     * scheme-less paths on a local default file system), else the verified cached copy, fetched if needed.
     */
    public LocalModel localDirectory(String pathOrUri) throws IOException {
        String uri = ModelUris.qualify(pathOrUri, hadoop);
        if (ModelUris.isLocal(uri)) {
            Path p = Paths.get(new org.apache.hadoop.fs.Path(uri).toUri());
            if (!Files.isDirectory(p)) {
                throw new IOException("model directory " + p + " does not exist on host " + host + " (a file: path"
                        + " must be present on every executor's host; put the model on HDFS/S3 to have it fetched)");
            }
            return new LocalModel(uri, p, false);
        }
        return fetch(uri);
    }

    /** The verified cached copy of the directory at {@code pathOrUri}, fetched when missing or stale. */
    public LocalModel fetch(String pathOrUri) throws IOException {
        String uri = ModelUris.qualify(pathOrUri, hadoop);
        SourceListing source = SourceListing.list(uri, hadoop);
        String entryName = entryName(uri);
        createRoot();
        Path entry = root.resolve(entryName);
        try (CacheLock lock = CacheLock.acquire(root.resolve(entryName + ".lock"), lockTimeout, "fetching " + uri,
                LOG::info)) {
            Path published = entry.resolve(source.fingerprint().substring(0, 16));
            if (usable(published, source)) {
                return new LocalModel(uri, published, false);
            }
            return new LocalModel(uri, download(source, entry), true);
        }
    }

    /** Whether the published copy matches the source; logs why not. Content is re-hashed once per JVM. */
    private boolean usable(Path published, SourceListing source) throws IOException {
        if (!Files.isDirectory(published)) {
            return false;
        }
        CacheMarker marker = CacheMarker.read(published);
        String why = marker == null ? "has no completion marker"
                : !marker.fingerprint().equals(source.fingerprint()) ? "was fetched from a different source version"
                : sizeProblem(published, marker);
        if (why == null && !verified.paths.contains(published)) {
            long t0 = System.nanoTime();
            why = contentProblem(published, marker);
            LOG.info(String.format(Locale.ROOT, "model cache: re-hashed the cached copy of %s (%s in %d files) in"
                            + " %.1f s, once per JVM: %s", source.uri(), gigabytes(marker.totalBytes()),
                    marker.files().size(), (System.nanoTime() - t0) / 1e9, why == null ? "intact" : why));
            if (why == null) {
                verified.paths.add(published);
            }
        }
        if (why != null) {
            LOG.warn("model cache: the cached copy {} of {} {}: fetching it again", published, source.uri(), why);
            verified.paths.remove(published);
            return false;
        }
        LOG.info("model cache: using {} for {}", published, source.uri());
        return true;
    }

    private static String sizeProblem(Path dir, CacheMarker marker) throws IOException {
        for (CacheMarker.CachedFile f : marker.files()) {
            Path p = dir.resolve(f.name());
            long size = Files.isRegularFile(p) ? Files.size(p) : -1;
            if (size != f.length()) {
                return "has " + f.name() + " with " + (size < 0 ? "no file" : size + " bytes") + " instead of "
                        + f.length();
            }
        }
        return null;
    }

    private static String contentProblem(Path dir, CacheMarker marker) throws IOException {
        for (CacheMarker.CachedFile f : marker.files()) {
            if (!TokenizerFiles.sha256(dir.resolve(f.name())).equals(f.sha256())) {
                return "has " + f.name() + " whose SHA-256 differs from the one recorded while downloading";
            }
        }
        return null;
    }

    /** Downloads into a temporary sibling, checks the source did not change meanwhile, publishes by rename. */
    private Path download(SourceListing listing, Path entry) throws IOException {
        SourceListing source = listing;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            removeEverythingBut(entry, null);
            requireSpace(source);
            Path tmp = Files.createDirectories(entry).resolve(".tmp-" + UUID.randomUUID());
            Files.createDirectory(tmp);
            try {
                long t0 = System.nanoTime();
                List<CacheMarker.CachedFile> files = copyAll(source, tmp);
                SourceListing after = SourceListing.list(source.uri(), hadoop);
                if (!after.fingerprint().equals(source.fingerprint())) {
                    LOG.warn("model cache: {} changed while it was being fetched (attempt {} of {}): fetching again",
                            source.uri(), attempt, MAX_ATTEMPTS);
                    source = after;
                    continue;
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                new CacheMarker(1, source.uri(), source.fingerprint(), files, Instant.now().toString(), host, seconds)
                        .write(tmp);
                Path published = entry.resolve(source.fingerprint().substring(0, 16));
                Files.move(tmp, published, StandardCopyOption.ATOMIC_MOVE);
                verified.paths.add(published);
                LOG.info(String.format(Locale.ROOT, "model cache: fetched %s (%s in %d files%s) into %s in %.1f s"
                                + " (%.0f MB/s)", source.uri(), gigabytes(source.totalBytes()), files.size(),
                        source.skipped().isEmpty() ? "" : "; not fetched: " + source.skipped(), published, seconds,
                        source.totalBytes() / 1e6 / Math.max(seconds, 1e-9)));
                return published;
            } finally {
                deleteTree(tmp);
            }
        }
        throw new IOException(source.uri() + " kept changing while it was being fetched (" + MAX_ATTEMPTS
                + " attempts): wait until the upload has finished");
    }

    /** Copies every listed file in parallel, hashing on the way; each copy must have the listed length. */
    private List<CacheMarker.CachedFile> copyAll(SourceListing source, Path tmp) throws IOException {
        FileSystem fs = new org.apache.hadoop.fs.Path(source.uri()).getFileSystem(hadoop);
        Progress progress = new Progress(source.uri(), source.totalBytes());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(COPY_THREADS, source.files().size()), r -> {
            Thread t = new Thread(r, "bg2vec-model-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<CacheMarker.CachedFile>> futures = new ArrayList<>();
            for (SourceListing.SourceFile f : source.files()) {
                futures.add(pool.submit(() -> copyOne(fs, source.uri(), f, tmp.resolve(f.name()), progress)));
            }
            List<CacheMarker.CachedFile> out = new ArrayList<>();
            for (Future<CacheMarker.CachedFile> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while fetching " + source.uri());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException("fetching " + source.uri() + " failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
    }

    private static CacheMarker.CachedFile copyOne(FileSystem fs, String dir, SourceListing.SourceFile f, Path target,
                                                  Progress progress) throws IOException {
        MessageDigest sha = sha256();
        long n = 0;
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(dir), f.name());
        try (InputStream in = fs.open(src);
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            byte[] buf = new byte[1 << 20];
            for (int r; (r = in.read(buf)) > 0; ) {
                sha.update(buf, 0, r);
                out.write(buf, 0, r);
                n += r;
                progress.add(r);
            }
        }
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        if (n != f.length()) {
            throw new IOException("read " + n + " bytes of " + src + " but it was listed with " + f.length()
                    + ": the source changed or the read was cut short");
        }
        return new CacheMarker.CachedFile(f.name(), n, HexFormat.of().formatHex(sha.digest()));
    }

    /** Download progress, logged at most every 10 s by whichever copy thread crosses the interval. */
    private static final class Progress {
        private final String uri;
        private final long total;
        private final long start = System.nanoTime();
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong lastLog = new AtomicLong(System.nanoTime());

        Progress(String uri, long total) {
            this.uri = uri;
            this.total = total;
        }

        void add(long bytes) {
            long d = done.addAndGet(bytes);
            long now = System.nanoTime();
            long last = lastLog.get();
            if (now - last > PROGRESS_NANOS && lastLog.compareAndSet(last, now)) {
                double s = (now - start) / 1e9;
                LOG.info(String.format(Locale.ROOT, "model cache: fetching %s: %s of %s (%.0f MB/s)", uri,
                        gigabytes(d), gigabytes(total), d / 1e6 / s));
            }
        }
    }

    /** Removes temporary directories and every copy in {@code entry} except {@code keep} (all when null). */
    private static void removeEverythingBut(Path entry, Path keep) throws IOException {
        if (!Files.isDirectory(entry)) {
            return;
        }
        try (Stream<Path> children = Files.list(entry)) {
            for (Path c : children.toList()) {
                if (!c.equals(keep)) {
                    LOG.info("model cache: removing {} (stale, incomplete or left by a killed fetch)", c);
                    deleteTree(c);
                }
            }
        }
    }

    private void requireSpace(SourceListing source) throws IOException {
        long free = Files.getFileStore(root).getUsableSpace();
        if (free < source.totalBytes() + (64L << 20)) {
            throw new IOException("not enough space for " + source.uri() + " in the model cache " + root + " on host "
                    + host + ": " + gigabytes(source.totalBytes()) + " needed, " + gigabytes(free) + " free; set "
                    + CACHE_ENV + " (spark.executorEnv." + CACHE_ENV + ") to a larger local disk");
        }
    }

    private void createRoot() throws IOException {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IOException("cannot create the model cache " + root + " on host " + host + " (" + e
                    + "); set " + CACHE_ENV + " (spark.executorEnv." + CACHE_ENV + ") to a writable local directory", e);
        }
        if (!Files.isWritable(root)) {
            throw new IOException("the model cache " + root + " on host " + host + " is not writable; set " + CACHE_ENV
                    + " (spark.executorEnv." + CACHE_ENV + ") to a writable local directory");
        }
    }

    /** {@code <first 16 hex of SHA-256(uri)>-<last path component>}: stable, distinct per URI, readable. */
    static String entryName(String uri) {
        String hash = HexFormat.of().formatHex(sha256().digest(uri.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        String name = new org.apache.hadoop.fs.Path(uri).getName().replaceAll("[^A-Za-z0-9._-]", "_");
        return hash + "-" + (name.length() > 40 ? name.substring(0, 40) : name);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String gigabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    private static void deleteTree(Path p) throws IOException {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "(unknown host)");
        }
    }
}
