package org.bg2vec.prepare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * The tokenizer.json shipped to executors as bytes (broadcast), written once per JVM to a local file named by
 * its sha256, because DJL loads tokenizers from local paths.
 */
public final class LocalTokenizerFile {

    private LocalTokenizerFile() {
    }

    /** The local copy of the tokenizer with this sha256, written from {@code bytes} when missing. */
    public static synchronized Path materialize(byte[] bytes, String sha256) throws IOException {
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "bg2vec-tokenizers");
        Files.createDirectories(dir);
        Path file = dir.resolve(sha256 + ".json");
        if (Files.exists(file) && Files.size(file) == bytes.length) {
            return file;
        }
        Path tmp = Files.createTempFile(dir, sha256, ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
