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
            List<NamedParameter> params = List.of(new NamedParameter("a", m.create(new float[]{1, 2})),
                    new NamedParameter("b", m.create(new float[]{3})));
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
            // a copy interrupted before its rename, and a directory without state.json, are ignored
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
}
