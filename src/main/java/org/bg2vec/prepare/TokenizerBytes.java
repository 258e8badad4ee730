package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bg2vec.tokenize.TokenizerFiles;

import java.io.IOException;
import java.io.InputStream;

/**
 * The tokenizer as the driver ships it: the bytes of {@code tokenizer.json} (read from any Hadoop path, then
 * broadcast), their SHA-256 (names the tokenizer in the manifest and the executors' local copies) and the
 * vocabulary size. Loading it once on the driver checks that the file is a usable tokenizer before any task runs.
 */
public record TokenizerBytes(byte[] bytes, String sha256, int vocabSize) {

    /** Reads and checks the tokenizer of a prepare run. */
    public static TokenizerBytes load(String tokenizer, Configuration hadoop) throws IOException {
        Path p = new Path(tokenizer);
        FileSystem fs = p.getFileSystem(hadoop);
        if (!fs.exists(p)) {
            throw new IllegalArgumentException("tokenizer not found: " + tokenizer
                    + " (pass the model's tokenizer.json with --tokenizer)");
        }
        byte[] bytes;
        try (InputStream in = fs.open(p)) {
            bytes = in.readAllBytes();
        }
        String sha = TokenizerFiles.sha256(bytes);
        java.nio.file.Path local = LocalTokenizerFile.materialize(bytes, sha);
        return new TokenizerBytes(bytes, sha, PrepareTokenizer.forContentNamedFile(local).vocabSize());
    }

    /** The manifest's tokenizer entry. */
    public PrepareManifest.Tokenizer manifestEntry(String path) {
        return new PrepareManifest.Tokenizer(sha256, vocabSize, path);
    }
}
