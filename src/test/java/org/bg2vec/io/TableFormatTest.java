package org.bg2vec.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableFormatTest {

    @Test
    void extensionsAndExplicitFormat() {
        assertEquals(TableFormat.PARQUET, TableFormat.detect("hdfs://nn/x/data.parquet", null));
        assertEquals(TableFormat.JSONL, TableFormat.detect("a/b.jsonl.gz", null));
        assertEquals(TableFormat.CSV, TableFormat.detect("a/b.CSV", null));
        assertEquals(TableFormat.CSV, TableFormat.detect("a/b.parquet", "csv"));
    }

    @Test
    void directoryFormatComesFromItsDataFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("_SUCCESS"), "");
        Files.writeString(dir.resolve("part-00000.snappy.parquet"), "");
        assertEquals(TableFormat.PARQUET, TableFormat.detect(dir.toString(), null));
    }

    @Test
    void unknownFormatSaysToPassFormat(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableFormat.detect(dir.resolve("data.txt").toString(), null));
        assertTrue(e.getMessage().contains("--format"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TableFormat.parse("avro"));
    }
}
