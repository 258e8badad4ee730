package org.bg2vec.prepare;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The duplicated-text filter keeps exactly the samples that {@link Dedup#sameTextWinner} keeps, one text at a time. */
class DuplicateTextsTest {

    @Test
    void keepsWhatTheSameTextRuleKeeps() {
        Random r = new Random(3);
        List<long[]> samples = new ArrayList<>(); // text key, sample id
        for (int i = 0; i < 2000; i++) {
            samples.add(new long[]{r.nextInt(700) - 350L, r.nextLong()});
        }
        Map<Long, Long> winner = new HashMap<>();
        Map<Long, Integer> count = new HashMap<>();
        for (long[] s : samples) {
            winner.merge(s[0], s[1], (a, b) -> Dedup.keepsFirstOfSameText(a, b) ? a : b);
            count.merge(s[0], 1, Integer::sum);
        }
        List<long[]> dups = new ArrayList<>();
        winner.forEach((k, w) -> {
            if (count.get(k) > 1) {
                dups.add(new long[]{k, w});
            }
        });
        DuplicateTexts d = DuplicateTexts.of(dups);
        assertEquals(dups.size(), d.size());
        int kept = 0;
        for (long[] s : samples) {
            boolean expected = winner.get(s[0]) == s[1];
            assertEquals(expected, d.keeps(s[0], s[1]));
            kept += expected ? 1 : 0;
        }
        assertEquals(winner.size(), kept, "one sample per text");
        assertEquals(true, d.keeps(1_000_000L, 5L), "a text no other sample has");
        assertThrows(IllegalArgumentException.class, () -> DuplicateTexts.of(List.of(new long[]{1, 2},
                new long[]{1, 3})));
    }
}
