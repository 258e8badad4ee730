package org.bg2vec.prepare;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The domain rules the prepare job applies (split, de-duplication, checks, timing), without Spark. */
class PrepareRulesTest {

    @Test
    void validationSplitIsTheSaltedSplitMixHashOfThePageIdOnly() {
        // computed independently (SplitMix64 finaliser in Python): the split of existing datasets must not move
        List<Long> validation = new ArrayList<>();
        for (long page = 1; page <= 10_000; page++) {
            if (ValidationSplit.isValidation(page, 0.05)) {
                validation.add(page);
            }
        }
        assertEquals(519, validation.size());
        assertEquals(List.of(23L, 32L, 47L, 48L, 65L, 93L, 114L, 119L), validation.subList(0, 8));
        for (long page = 1; page <= 1000; page++) {
            assertTrue(!ValidationSplit.isValidation(page, 0) && ValidationSplit.isValidation(page, 1));
        }
    }

    @Test
    void sameTextKeepsTheSmallestSampleIdInEitherOrder() {
        Sample a = sample(5, "Рила", "същият текст");
        Sample b = sample(3, "Пирин", "същият текст");
        assertEquals(Dedup.textKey(a), Dedup.textKey(b));
        assertSame(b, Dedup.sameTextWinner(a, b));
        assertSame(b, Dedup.sameTextWinner(b, a));
        assertTrue(Dedup.textKey(a) != Dedup.textKey(sample(5, "Рила", "друг текст")));
    }

    @Test
    void sameIdKeepsTheSmallerTextHashInEitherOrder() {
        Sample a = sample(7, "София", "текст от едната уики");
        Sample b = sample(7, "Sofia", "text from the other wiki");
        Sample winner = Long.compare(Dedup.textKey(a), Dedup.textKey(b)) < 0 ? a : b;
        assertSame(winner, Dedup.sameIdWinner(a, b));
        assertSame(winner, Dedup.sameIdWinner(b, a));
        Sample sameText = sample(7, "А", "текст от едната уики");
        assertSame(sameText, Dedup.sameIdWinner(a, sameText), "equal hashes: the smaller title");
        assertSame(sameText, Dedup.sameIdWinner(sameText, a));
    }

    @Test
    void everyInputMustGiveRecordsAndEveryFilterMayNotDropAll() {
        ResolvedInput xml = new ResolvedInput(0, "file:/d/a.xml", 10, InputFormat.XML, Compression.NONE, null);
        ResolvedInput jsonl = new ResolvedInput(1, "file:/d/b.jsonl", 10, InputFormat.JSONL, Compression.NONE, null);
        InputPlan plan = new InputPlan(List.of(xml, jsonl), List.of());
        ReasonCounts counts = new ReasonCounts();
        counts.add(ReasonCounts.inputKey(0), 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> plan.requireRecords(counts));
        assertTrue(e.getMessage().startsWith("file:/d/b.jsonl: the input has no rows"), e.getMessage());
        counts.add(ReasonCounts.inputKey(1), 2);
        plan.requireRecords(counts);
        assertEquals(List.of(new PrepareManifest.Input("file:/d/a.xml", 10, InputFormat.XML, 3),
                new PrepareManifest.Input("file:/d/b.jsonl", 10, InputFormat.JSONL, 2)), plan.manifestInputs(counts));
        counts.add(Reasons.TOO_FEW_TOKENS, 4);
        e = assertThrows(IllegalStateException.class, () -> counts.requireSamplesLeft(0));
        assertTrue(e.getMessage().contains("too_few_tokens=4"), e.getMessage());
        counts.requireSamplesLeft(1);
    }

    @Test
    void phaseTimerRecordsEachPhaseInOrderThenTheTotal() throws Exception {
        long[] now = {0};
        PhaseTimer timer = new PhaseTimer(() -> now[0]);
        now[0] = 500_000_000L;
        assertEquals("x", timer.time("plan", () -> {
            now[0] += 1_234_000_000L;
            return "x";
        }));
        assertThrows(IllegalStateException.class, () -> timer.time("read", () -> {
            now[0] += 2_000_000_000L;
            throw new IllegalStateException("boom");
        }));
        assertEquals(Map.of("plan", 1.23, "read", 2.0, "total", 3.73), timer.finish());
        assertEquals(List.of("plan", "read", "total"), new ArrayList<>(timer.finish().keySet()));
    }

    private static Sample sample(long id, String title, String text) {
        return new Sample(id, SampleIds.pageIdOf(id), title, text, text, new int[]{1, 2, 3});
    }
}
