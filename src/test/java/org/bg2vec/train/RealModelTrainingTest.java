package org.bg2vec.train;

import org.bg2vec.model.ModelPreset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The trainer with the real Mistral encoder: determinism, exact resume, W=2 == W=1, learning. */
class RealModelTrainingTest {

    @TempDir
    static Path shared;
    static Path model;
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        model = RealModelFixtures.model(shared.resolve("model"), ModelPreset.TINY);
        data = RealModelFixtures.data(shared.resolve("data"), model, 48);
    }

    @Test
    void twoIdenticalRunsWriteBitIdenticalAdapters() throws Exception {
        List<Double> lossA = new ArrayList<>();
        List<Double> lossB = new ArrayList<>();
        RealModelFixtures.train(RealModelFixtures.config(model, data, tmp.resolve("a"), ""), 1,
                (r, m) -> lossA.add(m.loss()));
        RealModelFixtures.train(RealModelFixtures.config(model, data, tmp.resolve("b"), ""), 1,
                (r, m) -> lossB.add(m.loss()));
        System.out.println("losses " + lossA + "\n       " + lossB);
        assertEquals(lossA, lossB);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/adapter/adapter_model.safetensors")),
                Files.readAllBytes(tmp.resolve("b/adapter/adapter_model.safetensors")));
    }
}
