package org.bg2vec.prepare;

import org.bg2vec.tokenize.TokenizerFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * The tokenizer.json shipped to executors as bytes (broadcast), written to a local file named by its sha256,
 * because DJL loads tokenizers from local paths. An existing file is used only when its bytes hash to that
 * sha256 (a truncated or corrupt copy, e.g. from a killed JVM or a full disk, is replaced).
 */
public final class LocalTokenizerFile {

    private LocalTokenizerFile() {
    }

    /** The local copy (under {@code java.io.tmpdir}) of the tokenizer with this sha256. */
    public static Path materialize(byte[] bytes, String sha256) throws IOException {
        return materialize(Paths.get(System.getProperty("java.io.tmpdir"), "bg2vec-tokenizers"), bytes, sha256);
    }

    /** The copy in {@code dir}, written from {@code bytes} when missing or not matching the sha256. */
    static synchronized Path materialize(Path dir, byte[] bytes, String sha256) throws IOException {
        if (!TokenizerFiles.sha256(bytes).equals(sha256)) {
            throw new IllegalArgumentException("the tokenizer bytes do not match their sha256 " + sha256);
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(sha256 + ".json");
        if (Files.isRegularFile(file) && TokenizerFiles.sha256(file).equals(sha256)) {
            return file;
        }
        Path tmp = Files.createTempFile(dir, sha256, ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }
}
