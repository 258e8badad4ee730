package org.bg2vec.train.data;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalBatchesTest {

    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();

    /** sample ids of {@code count} batches, each batch the concatenation of every rank's slice. */
    private List<List<Long>> batches(Path data, long seed, int global, int workers, GlobalBatches.Cursor start,
                                     int count) throws IOException {
        Manifest m = Manifest.read(data.toString(), conf);
        ParquetSamples reader = new ParquetSamples(conf, m.vocabSize(), m.maxSeqLength());
        List<ParquetSamples.RowGroup> groups = reader.rowGroups(m.split("train").files());
        List<List<Long>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new ArrayList<>());
        }
        for (int r = 0; r < workers; r++) {
            try (GlobalBatches b = new GlobalBatches(reader, groups, seed, 7, global, r, workers, start)) {
                for (int i = 0; i < count; i++) {
                    GlobalBatches.Batch batch = b.next();
                    assertEquals(global / workers, batch.slice().size());
                    for (TrainSample s : batch.slice()) {
                        out.get(i).add(s.sampleId());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void ranksTakeContiguousSlicesOfTheSameGlobalBatches() throws IOException {
        Path data = TestShards.write(tmp, TestShards.randomSamples(50, 30, 8, 1), null, 4, 30, 8);
        List<List<Long>> one = batches(data, 42, 12, 1, new GlobalBatches.Cursor(0, 0), 8);
        List<List<Long>> four = batches(data, 42, 12, 4, new GlobalBatches.Cursor(0, 0), 8);
        assertEquals(one, four);
        // 50 samples, batch 12: 4 full batches per epoch (2 dropped), each sample at most once per epoch
        Set<Long> epoch0 = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            epoch0.addAll(one.get(i));
        }
        assertEquals(48, epoch0.size());
        // the order is shuffled, differs between epochs, and depends on the seed
        assertNotEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), one.get(0));
        assertNotEquals(one.get(0), one.get(4));
        assertNotEquals(one, batches(data, 43, 12, 1, new GlobalBatches.Cursor(0, 0), 8));
        assertEquals(one, batches(data, 42, 12, 1, new GlobalBatches.Cursor(0, 0), 8));
    }

    @Test
    void startingFromACursorContinuesTheSameSequence() throws IOException {
        Path data = TestShards.write(tmp, TestShards.randomSamples(50, 30, 8, 1), null, 3, 30, 8);
        List<List<Long>> straight = batches(data, 42, 12, 1, new GlobalBatches.Cursor(0, 0), 7);
        assertEquals(straight.subList(2, 7), batches(data, 42, 12, 2, new GlobalBatches.Cursor(0, 2), 5));
        assertEquals(straight.subList(4, 7), batches(data, 42, 12, 1, new GlobalBatches.Cursor(1, 0), 3));
    }

    @Test
    void eachWorkerDecodesAboutItsShareOfTheRows() throws IOException {
        int rows = 2000;
        int global = 8;
        Path data = TestShards.write(tmp, TestShards.randomSamples(rows, 30, 8, 5), null, 4, 30, 8, 25);
        Manifest m = Manifest.read(data.toString(), conf);
        long one = decodedInOneEpoch(m, global, 1, 0);
        assertTrue(one >= rows, "one worker reads every row: " + one);
        for (int workers : new int[]{2, 4}) {
            long total = 0;
            for (int r = 0; r < workers; r++) {
                long mine = decodedInOneEpoch(m, global, workers, r);
                assertTrue(mine <= rows / workers + rows / 10, workers + " workers, rank " + r + " decoded " + mine);
                total += mine;
            }
            assertTrue(total >= rows, "together the workers read every row: " + total);
        }
    }

    /** Rows of Parquet pages rank {@code rank} of {@code workers} decodes to produce its slices of one epoch. */
    private long decodedInOneEpoch(Manifest m, int global, int workers, int rank) throws IOException {
        ParquetSamples reader = new ParquetSamples(conf, m.vocabSize(), m.maxSeqLength());
        List<ParquetSamples.RowGroup> groups = reader.rowGroups(m.split("train").files());
        int slice = global / workers;
        SampleOrder order = new SampleOrder(reader, groups, 42, 0, 64, global, rank * slice, slice);
        for (long b = 0; b < order.batches(); b++) {
            assertEquals(slice, order.next().size());
        }
        return reader.rowsDecoded();
    }

    @Test
    void unusableRowsAreSkippedAndCounted() throws IOException {
        List<int[]> samples = TestShards.randomSamples(20, 30, 8, 2);
        samples.set(3, new int[]{1});
        samples.set(7, new int[]{1, 99});
        TestShards.write(tmp, samples, null, 1, 30, 8);
        Manifest m = Manifest.read(tmp.toString(), conf);
        ParquetSamples reader = new ParquetSamples(conf, m.vocabSize(), m.maxSeqLength());
        List<ParquetSamples.RowGroup> groups = reader.rowGroups(m.split("train").files());
        List<TrainSample> read = reader.read(groups.get(0));
        assertEquals(18, read.size());
        assertEquals(2, reader.skipped());
        assertTrue(read.stream().noneMatch(s -> s.sampleId() == 3 || s.sampleId() == 7));
        assertEquals(1, read.get(0).queryIds()[0], "ids are read back as written, BOS first");
    }

    @Test
    void dataFromAnotherTokenizerOrLongerThanTheConfigIsRefused() throws IOException {
        TestShards.write(tmp, TestShards.randomSamples(10, 30, 8, 3), null, 1, 30, 8);
        Manifest m = Manifest.read(tmp.toString(), conf);
        String wrongSha = assertThrows(IllegalArgumentException.class,
                () -> m.checkCompatible("ff".repeat(32), 128)).getMessage();
        assertTrue(wrongSha.contains("sha256 " + TestShards.SHA) && wrongSha.contains("ff".repeat(32)), wrongSha);
        String tooLong = assertThrows(IllegalArgumentException.class, () -> m.checkCompatible(TestShards.SHA, 4)).getMessage();
        assertTrue(tooLong.contains("max_seq_length 8") && tooLong.contains("max_seq_length is 4"), tooLong);
        m.checkCompatible(TestShards.SHA, 8);
        Files.delete(tmp.resolve("manifest.json"));
        assertThrows(IOException.class, () -> Manifest.read(tmp.toString(), conf));
    }
}
