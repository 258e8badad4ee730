package org.bg2vec.train.checkpoint;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.model.NamedParameter;
import org.bg2vec.model.TrainableEncoder;
import org.bg2vec.train.data.GlobalBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointsTest {

    static final RunIdentity RUN = new RunIdentity("run-a", new java.util.TreeMap<>(java.util.Map.of("seed", "42")));

    @TempDir
    Path tmp;

    /** An encoder that only saves a marker file: the checkpoint store does not care what the adapter is. */
    private static TrainableEncoder saving(List<NamedParameter> params, boolean fail) {
        return new TrainableEncoder() {
            @Override
            public int hiddenSize() {
                return 1;
            }

            @Override
            public ai.djl.ndarray.NDArray embed(NDManager m, org.bg2vec.tokenize.TokenizedBatch b, boolean t, long s) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<NamedParameter> trainableParameters() {
                return params;
            }

            @Override
            public void saveAdapter(Path dir) throws IOException {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("adapter_config.json"), "{}");
                if (fail) {
                    throw new IOException("disk full (simulated)");
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void roundTripKeepsTheLastKAndIgnoresIncompleteWrites() throws IOException {
        try (NDManager m = DjlRuntime.newManager()) {
            List<NamedParameter> params = params(m);
            Checkpoints c = new Checkpoints(tmp.toString(), new Configuration(), 2);
            float[] values = {1.5f, -2f, 3f};
            for (long step : new long[]{5, 10, 15}) {
                TrainingState s = new TrainingState(step, new GlobalBatches.Cursor(1, step), 512.0, 7, 1);
                c.save(s, step - 1, params, values, new float[]{0.1f, 0.2f, 0.3f}, new float[]{1f, 2f, 3f},
                        new ObjectMapper().createObjectNode().put("seed", 42), saving(params, false), RUN);
            }
            assertEquals(List.of(10L, 15L), c.steps());
            // a failed write leaves nothing that looks like a checkpoint
            assertThrows(IOException.class, () -> c.save(new TrainingState(20, new GlobalBatches.Cursor(0, 0), 1, 0, 0),
                    0, params, values, values, values, new ObjectMapper().createObjectNode(), saving(params, true), RUN));
            // a copy interrupted before its rename, and a directory without a completion marker, are ignored
            Files.createDirectories(tmp.resolve(".step-25.tmp-1234/adapter"));
            Files.createDirectories(tmp.resolve("step-30/adapter"));
            Checkpoints.Loaded l = c.loadLatest().orElseThrow();
            assertEquals(15, l.state().step());
            assertEquals(new GlobalBatches.Cursor(1, 15), l.state().cursor());
            assertEquals(512.0, l.state().lossScale());
            assertEquals(7, l.state().goodSteps());
            assertEquals(14, l.optimizerSteps());
            assertArrayEquals(values, l.values(), 0f);
            assertArrayEquals(new float[]{0.1f, 0.2f, 0.3f}, l.firstMoment(), 0f);
            assertArrayEquals(new float[]{1f, 2f, 3f}, l.secondMoment(), 0f);
            assertTrue(Files.isRegularFile(tmp.resolve("step-15/adapter/adapter_config.json")));
            assertTrue(Files.isRegularFile(tmp.resolve("step-15/config.json")));
            assertNull(l.mismatch(params, 3));
            List<NamedParameter> other = List.of(new NamedParameter("a", m.create(new float[]{1, 2, 3})));
            String msg = l.mismatch(other, 3);
            assertTrue(msg.contains("another model"), msg);
        }
    }

    /** Two trainable tensors of 2 and 1 values. */
    private static List<NamedParameter> params(NDManager m) {
        return List.of(new NamedParameter("a", m.create(new float[]{1, 2})),
                new NamedParameter("b", m.create(new float[]{3})));
    }

    /** Saves {@code step} of {@code run} with values {@code step, -step, 0.5}. */
    private static String save(Checkpoints c, List<NamedParameter> params, long step, RunIdentity run)
            throws IOException {
        float[] v = {step, -step, 0.5f};
        return c.save(new TrainingState(step, new GlobalBatches.Cursor(0, step), 1, 0, 0), step, params, v, v, v,
                new ObjectMapper().createObjectNode(), saving(params, false), run);
    }

    @Test
    void onlyACheckpointThatVerifiesCountsAndLoadingFallsBackToTheNewestThatDoes() throws IOException {
        try (NDManager m = DjlRuntime.newManager()) {
            List<NamedParameter> params = params(m);
            Checkpoints c = new Checkpoints(tmp.toString(), new Configuration(), 5);
            for (long step : new long[]{5, 10, 15, 20}) {
                save(c, params, step, RUN);
            }
            // step-20: an S3A copy-then-delete rename that stopped half-way: no marker yet, some files missing
            Files.delete(tmp.resolve("step-20/complete.json"));
            Files.delete(tmp.resolve("step-20/optimizer.bin"));
            // step-15: one flipped byte in the optimizer state (same size)
            Path optimizer = tmp.resolve("step-15/optimizer.bin");
            byte[] b = Files.readAllBytes(optimizer);
            b[b.length - 3] ^= 0x40;
            Files.write(optimizer, b);
            // step-10: the trainable values cut short
            Path trainable = tmp.resolve("step-10/trainable.bin");
            byte[] t = Files.readAllBytes(trainable);
            Files.write(trainable, java.util.Arrays.copyOf(t, t.length - 4));

            assertEquals(List.of(5L, 10L, 15L), c.steps(), "a directory without its marker is no checkpoint");
            String why15 = assertThrows(CorruptCheckpointException.class, () -> c.load(c.path(15))).getMessage();
            assertTrue(why15.contains("optimizer.bin fails its checksum"), why15);
            String why10 = assertThrows(CorruptCheckpointException.class, () -> c.load(c.path(10))).getMessage();
            assertTrue(why10.contains("trainable.bin has " + (t.length - 4) + " bytes, complete.json records "
                    + t.length), why10);
            Checkpoints.Loaded latest = c.loadLatest().orElseThrow();
            assertEquals(5, latest.state().step(), "falls back past the two corrupt ones");
            assertArrayEquals(new float[]{5, -5, 0.5f}, latest.values(), 0f);
            assertEquals(RUN, latest.run());
        }
    }

    @Test
    void corruptOrTruncatedFloatArrayFilesAreAClearIOExceptionNotAnOutOfMemoryError() throws IOException {
        Path f = tmp.resolve("arrays.bin");
        FloatArrays.write(f, List.of("exp_avg", "exp_avg_sq"), new float[]{1, 2, 3}, new float[]{4, 5, 6});
        byte[] good = Files.readAllBytes(f);
        // magic (8) | count (4) | "exp_avg" (2 + 7) | length (4) | ...
        byte[] hugeCount = good.clone();
        java.nio.ByteBuffer.wrap(hugeCount).putInt(8, Integer.MAX_VALUE - 8);
        byte[] hugeLength = good.clone();
        java.nio.ByteBuffer.wrap(hugeLength).putInt(21, 0x3FFFFFFF);
        byte[] negativeLength = good.clone();
        java.nio.ByteBuffer.wrap(negativeLength).putInt(21, -1);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 5);
        byte[] notOurs = "PK\u0003\u0004 something else entirely".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte[] bad : List.of(hugeCount, hugeLength, negativeLength, truncated, notOurs)) {
            String msg = assertThrows(CorruptCheckpointException.class, () -> FloatArrays.read(
                    new java.io.ByteArrayInputStream(bad), bad.length, "x/optimizer.bin")).getMessage();
            assertTrue(msg.startsWith("x/optimizer.bin "), msg);
        }
        FloatArrays.Named n = FloatArrays.read(new java.io.ByteArrayInputStream(good), good.length, "ok");
        assertEquals(List.of("exp_avg", "exp_avg_sq"), n.names());
        assertArrayEquals(new float[]{4, 5, 6}, n.arrays().get(1), 0f);
    }

    @Test
    void pruningRemovesOnlyTheCurrentRunsOldCheckpoints() throws IOException {
        try (NDManager m = DjlRuntime.newManager()) {
            List<NamedParameter> params = params(m);
            Checkpoints c = new Checkpoints(tmp.toString(), new Configuration(), 2);
            RunIdentity old = RUN.withRunId("old-run");
            for (long step : new long[]{2, 4, 6, 8}) {
                save(c, params, step, old);
            }
            assertEquals(List.of(6L, 8L), c.steps());
            // a new run ("resume": "never") in the same directory: its low steps are not "the oldest"
            RunIdentity fresh = RUN.withRunId("new-run");
            save(c, params, 2, fresh);
            save(c, params, 4, fresh);
            assertEquals(List.of(2L, 4L, 6L, 8L), c.steps());
            save(c, params, 5, fresh);
            assertEquals(List.of(4L, 5L, 6L, 8L), c.steps(), "the new run keeps its last 2, the old run its own");
            assertEquals("new-run", c.runs().get(5L).runId());
            assertEquals("old-run", c.runs().get(8L).runId());
        }
    }

    @Test
    void copiesLeftByAKilledWriterAreRemoved() throws IOException {
        Path leftover = tmp.resolve(".step-40.tmp-" + java.util.UUID.randomUUID());
        Files.createDirectories(leftover.resolve("adapter"));
        Files.writeString(leftover.resolve("trainable.bin"), "half");
        Path foreign = Files.createDirectories(tmp.resolve(".step-40.tmp-not-ours"));
        Path checkpoint = Files.createDirectories(tmp.resolve("step-35"));
        Checkpoints c = new Checkpoints(tmp.toString(), new Configuration(), 2);
        assertEquals(1, c.removeLeftovers().size());
        assertTrue(Files.notExists(leftover));
        assertTrue(Files.isDirectory(foreign), "only names publish() makes are removed");
        assertTrue(Files.isDirectory(checkpoint));
    }
}
