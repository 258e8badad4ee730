package org.bg2vec.modelstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The completion marker of a cached copy, written last (inside the temporary directory, before the rename that
 * publishes it): the source and its fingerprint, and every file's length and SHA-256 computed while downloading.
 * A directory without a readable marker is never used.
 *
 * @param formatVersion 1
 * @param source        the qualified source URI
 * @param fingerprint   {@link SourceListing#fingerprint()} at download time
 * @param files         every fetched file
 * @param fetchedAt     ISO-8601 time of the download
 * @param host          the host that downloaded
 * @param seconds       how long the download took
 */
public record CacheMarker(int formatVersion, String source, String fingerprint, List<CachedFile> files,
                          String fetchedAt, String host, double seconds) {

    /** The marker's file name inside a cached copy. */
    public static final String FILE = ".bg2vec-model-cache.json";

    /** One cached file. */
    public record CachedFile(String name, long length, String sha256) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public CacheMarker {
        files = List.copyOf(files);
    }

    /** Total bytes of the cached files. */
    public long totalBytes() {
        return files.stream().mapToLong(CachedFile::length).sum();
    }

    /** Writes the marker into {@code dir} and forces it to disk. */
    void write(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        Files.write(f, JSON.writeValueAsBytes(this));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** The marker of {@code dir}, or null when there is none or it cannot be read (an incomplete copy). */
    static CacheMarker read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            CacheMarker m = JSON.readValue(f.toFile(), CacheMarker.class);
            return m.formatVersion() == 1 ? m : null;
        } catch (IOException e) {
            return null;
        }
    }
}
