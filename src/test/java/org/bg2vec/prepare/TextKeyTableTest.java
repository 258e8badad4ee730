package org.bg2vec.prepare;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The job's two-step search for duplicated texts (per-task tables, packed per reduce partition, merged) finds what
 * {@link Dedup#keepsFirstOfSameText} gives when applied to all samples at once, however the samples are split
 * into tasks and reduce partitions.
 */
class TextKeyTableTest {

    @Test
    void findsTheDuplicatedTextsAndTheirWinnersWhateverThePartitioning() {
        Random r = new Random(11);
        List<long[]> samples = new ArrayList<>(); // text key, sample id
        for (int i = 0; i < 20_000; i++) { // more distinct keys than the table's first capacity: it grows
            samples.add(new long[]{r.nextInt(9_000) - 4_500L, r.nextLong()});
        }
        Map<Long, Long> winner = new HashMap<>();
        Map<Long, Integer> count = new HashMap<>();
        for (long[] s : samples) {
            winner.merge(s[0], s[1], (a, b) -> Dedup.keepsFirstOfSameText(a, b) ? a : b);
            count.merge(s[0], 1, Integer::sum);
        }
        Map<Long, Long> expected = new TreeMap<>();
        winner.forEach((k, w) -> {
            if (count.get(k) > 1) {
                expected.put(k, w);
            }
        });
        for (int[] split : new int[][]{{1, 1}, {4, 4}, {7, 3}, {2, 11}}) {
            assertEquals(expected, duplicated(samples, split[0], split[1]), split[0] + " tasks, " + split[1]
                    + " reduce partitions");
        }
    }

    /** Runs the job's steps by hand: samples dealt round-robin to {@code tasks}, packed into {@code partitions}. */
    private static Map<Long, Long> duplicated(List<long[]> samples, int tasks, int partitions) {
        List<TextKeyTable> maps = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            maps.add(new TextKeyTable());
        }
        for (int i = 0; i < samples.size(); i++) {
            maps.get(i % tasks).add(samples.get(i)[0], samples.get(i)[1], 1);
        }
        List<TextKeyTable> reduces = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            reduces.add(new TextKeyTable());
        }
        for (TextKeyTable m : maps) {
            long[][] packed = m.packByPartition(partitions);
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < packed[p].length; i += TextKeyTable.PACKED) {
                    assertEquals(p, TextKeyTable.partitionOf(packed[p][i], partitions), "key in its partition");
                }
                reduces.get(p).addPacked(packed[p]);
            }
        }
        Map<Long, Long> found = new TreeMap<>();
        for (TextKeyTable t : reduces) {
            for (long[] d : t.duplicated()) {
                assertEquals(null, found.put(d[0], d[1]), "text key " + d[0] + " found in two partitions");
            }
        }
        return found;
    }

    @Test
    void countsAddUpAndBadInputIsRefused() {
        TextKeyTable t = new TextKeyTable();
        t.add(5, 30, 1);
        t.add(-5, 7, 1);
        t.add(5, 20, 2);
        assertEquals(2, t.size());
        long[][] packed = t.packByPartition(1);
        TextKeyTable merged = new TextKeyTable();
        merged.addPacked(packed[0]);
        merged.addPacked(new long[]{-5, 9, 1});
        Map<Long, Long> dups = new TreeMap<>();
        merged.duplicated().forEach(d -> dups.put(d[0], d[1]));
        assertEquals(Map.of(5L, 20L, -5L, 7L), dups);
        assertThrows(IllegalArgumentException.class, () -> t.add(1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> t.addPacked(new long[]{1, 2}));
    }
}
