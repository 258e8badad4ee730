package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.bg2vec.mntp.MntpConfig;
import org.bg2vec.model.MistralConfig;
import org.bg2vec.plan.MemoryPlanner;
import org.bg2vec.plan.Objective;
import org.bg2vec.plan.PlanRequest;
import org.bg2vec.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainPreflightTest {

    static TrainPreflight.Setup local(String master, int workers) {
        return new TrainPreflight.Setup(master, Map.of(), workers, false, 2);
    }

    @Test
    void localSlotsMustCoverTheWorkers() {
        assertDoesNotThrow(() -> TrainPreflight.check(local("local[2]", 2)));
        assertDoesNotThrow(() -> TrainPreflight.check(local("local[*]", 2)));
        List<String> p = TrainPreflight.problems(local("local[1]", 2));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("local[2]"), p.get(0));
        assertEquals(1, TrainPreflight.problems(local("local", 2)).size());
        assertEquals(1, TrainPreflight.problems(local("local[*]", 4)).size(), "2 processors < 4 workers");
    }

    @Test
    void taskCpusMultiplyTheSlotsNeeded() {
        var s = new TrainPreflight.Setup("local[3]", Map.of("spark.task.cpus", "2"), 2, false, 8);
        assertTrue(TrainPreflight.problems(s).get(0).contains("need 4"));
    }

    @Test
    void dynamicAllocationAndGpuSettingsAreChecked() {
        var s = new TrainPreflight.Setup("yarn", Map.of("spark.dynamicAllocation.enabled", "true"), 2, true, 2);
        List<String> p = TrainPreflight.problems(s);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).contains("dynamicAllocation"));
        assertTrue(p.get(1).contains("spark.task.resource.gpu.amount"));
        var ok = new TrainPreflight.Setup("yarn", Map.of("spark.executor.resource.gpu.amount", "1",
                "spark.task.resource.gpu.amount", "1", "spark.executor.instances", "2", "spark.executor.cores", "4"),
                2, true, 2);
        assertDoesNotThrow(() -> TrainPreflight.check(ok));
    }

    @Test
    void clusterSlotsFromStaticExecutors() {
        var s = new TrainPreflight.Setup("spark://h:7077", Map.of("spark.executor.instances", "1",
                "spark.executor.cores", "1"), 2, false, 2);
        assertTrue(TrainPreflight.problems(s).get(0).contains("1 slot(s) < 2 workers"));
    }

    @Test
    void mntpIsPlannedWithItsLmHeadAndLogits() throws Exception {
        // conf/bg2vec-mntp.json's shape on a 24 GB card: the encoder part alone fits micro-batch 8; with the LM head
        // trained (its values, gradients and AdamW state on the GPU) and the logits of its labelled positions nothing
        // fits; with the head frozen micro-batch 4 does (cluster.md, "MNTP")
        TrainConfig c = MntpConfig.load(Path.of("conf/bg2vec-mntp.json")).train()
                .with("model_name_or_path", "conf/models/bggpt-7b").with("gpu_memory", "22.5GiB");
        assertEquals(8, TrainPreflight.checkMemory(Objective.SIMCSE, c, true, false, new Configuration())
                .microBatchSize());
        String m = assertThrows(IllegalArgumentException.class, () -> TrainPreflight.checkMemory(
                Objective.mntp(true, 0.8), c, true, false, new Configuration())).getMessage();
        assertTrue(m.contains("does not fit 22.50 GiB per worker with micro_batch_size 8"), m);
        assertTrue(m.contains("lm_head \"frozen\""), "the way out is named: " + m);
        assertTrue(m.contains("MNTP lm_head, trained") && m.contains("MNTP logits of 3271 labelled positions"), m);
        m = assertThrows(IllegalArgumentException.class, () -> TrainPreflight.checkMemory(Objective.mntp(false, 0.8),
                c, true, false, new Configuration())).getMessage();
        assertTrue(m.contains("micro_batch_size 4 fits (gradient_checkpointing true)"), m);
        assertEquals(4, TrainPreflight.checkMemory(Objective.mntp(false, 0.8), c.with("micro_batch_size", "auto"),
                true, false, new Configuration()).microBatchSize(), "\"auto\" picks the largest divisor of 8 that fits");
    }

    /** The recipe on BgGPT-7B's shapes (conf/models/bggpt-7b) with some keys replaced. */
    private static TrainConfig recipe(Object... keyValues) throws Exception {
        TrainConfig c = TrainConfig.load(Path.of("conf/bg2vec-simcse.json")).with("model_name_or_path", "conf/models/bggpt-7b");
        for (int i = 0; i < keyValues.length; i += 2) {
            c = c.with((String) keyValues[i], keyValues[i + 1]);
        }
        return c;
    }

    @Test
    void autoBecomesTheLargestDivisorOfTheSliceThatFits() throws Exception {
        TrainConfig c = recipe("micro_batch_size", "auto", "gradient_checkpointing", false, "gpu_memory", "40GiB");
        TrainConfig resolved = TrainPreflight.checkMemory(Objective.SIMCSE, c, true, false, new Configuration());
        int b = resolved.microBatchSize();
        assertEquals(8, b, "the 40 GiB line of cluster.md's plan without recomputation");
        MistralConfig model = MistralConfig.load(Path.of("conf/models/bggpt-7b/config.json"));
        long mntp = MemoryPlanner.loraParameters(model, 16); // the placeholder adapter path is not readable
        PlanRequest r = PlanRequest.of(c, model, 1, mntp, true, Objective.SIMCSE);
        assertTrue(MemoryPlanner.plan(r.withMicroBatch(b), false).fits(40L << 30));
        for (int d = b + 1; d <= 128; d++) {
            assertTrue(128 % d != 0 || !MemoryPlanner.plan(r.withMicroBatch(d), false).fits(40L << 30), "divisor " + d);
        }
        assertEquals(128, TrainPreflight.checkMemory(Objective.SIMCSE, c.with("gradient_checkpointing", true), true,
                false, new Configuration()).microBatchSize(), "with recomputation the whole slice fits 40 GiB");
    }

    @Test
    void withoutAKnownMemoryTheCheckIsSkippedButAutoCannotBeChosen() throws Exception {
        TrainConfig fixed = recipe();
        assertEquals(32, TrainPreflight.checkMemory(Objective.SIMCSE, fixed, true, false, new Configuration())
                .microBatchSize());
        String m = assertThrows(IllegalArgumentException.class, () -> TrainPreflight.checkMemory(Objective.SIMCSE,
                recipe("micro_batch_size", "auto"), true, false, new Configuration())).getMessage();
        assertTrue(m.contains("micro_batch_size \"auto\" needs the memory plan: set gpu_memory"), m);
        m = assertThrows(IllegalArgumentException.class, () -> TrainPreflight.checkMemory(Objective.SIMCSE,
                recipe("micro_batch_size", "auto", "model_name_or_path", "no/such/model", "gpu_memory", "40GiB"), true,
                false, new Configuration())).getMessage();
        assertTrue(m.contains("no/such/model/config.json"), m);
        m = assertThrows(IllegalArgumentException.class, () -> TrainPreflight.checkMemory(Objective.SIMCSE,
                recipe("gpu_memory", "8GiB"), true, false, new Configuration())).getMessage();
        assertTrue(m.contains("nothing fits: use a GPU with more memory"), m);
    }
}
