package org.bg2vec.spark;

import org.bg2vec.prepare.PrepareConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The disk fills up while prepare writes a training shard (through a Hadoop file system whose writes fail): the
 * job fails with the cause, and nothing half-written is left that looks like prepared data.
 */
class PrepareDiskFullTest {

    @TempDir
    Path tmp;

    @Test
    void aFullDiskWhileWritingAShardFailsTheJobAndLeavesNoOutput() throws Exception {
        Path out = tmp.resolve("prepared");
        PrepareConfig config = PrepareConfig.builder()
                .inputs(List.of("data-prep/sample/bgwiki-sample-pages-articles-multistream.xml.bz2"))
                .indexes(List.of("data-prep/sample/bgwiki-sample-pages-articles-multistream-index.txt.bz2"))
                .tokenizer(PrepareSampleDumpTest.TOKENIZER).output(DiskFullFileSystem.SCHEME + "://" + out)
                .shards(2).build();
        Map<String, String> conf = Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2",
                "spark.hadoop.fs.fullfs.impl", DiskFullFileSystem.class.getName(),
                "spark.hadoop.fs.fullfs.impl.disable.cache", "true");
        Exception e = assertThrows(Exception.class, () -> PrepareJob.run("local[2]", conf, config));
        assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), String.valueOf(e));
        try (Stream<Path> left = Files.list(tmp)) {
            List<String> names = left.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.isEmpty(), "no output and no temporary directory is left: " + names);
        }
    }
}
