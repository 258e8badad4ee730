package org.bg2vec.prepare;

import org.bg2vec.tokenize.TokenizerFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The executors' local copy of the broadcast tokenizer is trusted only when its bytes hash to the sha256. */
class LocalTokenizerFileTest {

    @TempDir
    Path dir;

    @Test
    void aCorruptCopyOfTheSameSizeIsReplaced() throws Exception {
        byte[] good = "{\"model\": {\"vocab\": {\"a\": 0}}}".getBytes(StandardCharsets.UTF_8);
        String sha = TokenizerFiles.sha256(good);
        Path first = LocalTokenizerFile.materialize(dir, good, sha);
        assertEquals(dir.resolve(sha + ".json"), first);
        assertArrayEquals(good, Files.readAllBytes(first));

        byte[] corrupt = good.clone();
        corrupt[10] ^= 0x20; // same size, one byte flipped (a disk error, a half-written copy of another run)
        Files.write(first, corrupt);
        Path again = LocalTokenizerFile.materialize(dir, good, sha);
        assertArrayEquals(good, Files.readAllBytes(again));
    }

    @Test
    void bytesThatDoNotMatchTheirSha256AreRefused() {
        byte[] good = "{}".getBytes(StandardCharsets.UTF_8);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LocalTokenizerFile.materialize(dir, good, "00" + TokenizerFiles.sha256(good).substring(2)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    }
}
