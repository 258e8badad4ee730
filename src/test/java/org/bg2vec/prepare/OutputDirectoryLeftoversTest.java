package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputDirectoryLeftoversTest {

    @TempDir
    Path tmp;

    @Test
    void theNextRunRemovesTheHiddenOutputAKilledRunLeft() throws Exception {
        Path killed = Files.createDirectories(tmp.resolve(".out.tmp-" + UUID.randomUUID() + "/train"));
        Files.writeString(killed.resolve("part-00000.parquet"), "half a shard");
        Path otherOutput = Files.createDirectories(tmp.resolve(".out2.tmp-" + UUID.randomUUID()));
        OutputDirectory o = OutputDirectory.create(tmp.resolve("out").toString(), false, new Configuration());
        assertTrue(Files.notExists(killed.getParent()), "the killed run's temporary output is removed");
        assertTrue(Files.isDirectory(otherOutput), "another target's temporary output is left alone");
        assertTrue(Files.isDirectory(Path.of(o.temp().toUri())));
        o.abort();
    }
}
