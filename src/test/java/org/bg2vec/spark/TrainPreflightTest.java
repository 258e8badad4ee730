package org.bg2vec.spark;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainPreflightTest {

    static TrainPreflight.Setup local(String master, int workers) {
        return new TrainPreflight.Setup(master, Map.of(), workers, 128, 8, false, 2);
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
        var s = new TrainPreflight.Setup("local[3]", Map.of("spark.task.cpus", "2"), 2, 128, 8, false, 8);
        assertTrue(TrainPreflight.problems(s).get(0).contains("need 4"));
    }

    @Test
    void dynamicAllocationAndGpuSettingsAreChecked() {
        var s = new TrainPreflight.Setup("yarn", Map.of("spark.dynamicAllocation.enabled", "true"), 2, 128, 8, true, 2);
        List<String> p = TrainPreflight.problems(s);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).contains("dynamicAllocation"));
        assertTrue(p.get(1).contains("spark.task.resource.gpu.amount"));
        var ok = new TrainPreflight.Setup("yarn", Map.of("spark.executor.resource.gpu.amount", "1",
                "spark.task.resource.gpu.amount", "1", "spark.executor.instances", "2", "spark.executor.cores", "4"),
                2, 128, 8, true, 2);
        assertDoesNotThrow(() -> TrainPreflight.check(ok));
    }

    @Test
    void clusterSlotsFromStaticExecutors() {
        var s = new TrainPreflight.Setup("spark://h:7077", Map.of("spark.executor.instances", "1",
                "spark.executor.cores", "1"), 2, 128, 8, false, 2);
        assertTrue(TrainPreflight.problems(s).get(0).contains("1 slot(s) < 2 workers"));
    }

    @Test
    void batchMustSplitEvenlyIntoSlicesAndMicroBatches() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainPreflight.check(
                new TrainPreflight.Setup("local[3]", Map.of(), 3, 128, 8, false, 2)));
        assertTrue(e.getMessage().contains("not divisible by 3 workers"), e.getMessage());
        List<String> p = TrainPreflight.problems(new TrainPreflight.Setup("local[2]", Map.of(), 2, 128, 48, false, 2));
        assertTrue(p.get(0).contains("micro_batch_size 48"), p.toString());
    }
}
