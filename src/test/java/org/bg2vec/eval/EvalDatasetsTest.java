package org.bg2vec.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalDatasetsTest {

    @Test
    void validationTakesOnePairPerPageSkipsBlanksAndSharesEqualLeads() {
        List<Article> rows = List.of(
                new Article(1, "София", "Столица."),
                new Article(2, "Варна", "Град на морето."),
                new Article(1, "София", "Столица."),       // second sample of page 1
                new Article(3, "Пловдив", " "),             // blank lead: skipped
                new Article(4, "Столица", "Столица."));     // same lead text as page 1
        List<String> samples = Arrays.asList("a", "b", "a", null, "c");
        EvalDataset d = EvalDatasets.fromValidation("v", rows, samples, 10);
        assertEquals(List.of("София", "Варна", "Столица"), d.retrieval().queries());
        assertEquals(List.of("Столица.", "Град на морето."), d.retrieval().documents());
        assertArrayEquals(new int[]{0, 1, 0}, d.retrieval().relevant());
        assertEquals(List.of("a", "b", "c"), d.uniformity());
        assertEquals(3, d.alignmentPairs().size());
        assertEquals(4L, d.counts().get("pages"));
        assertEquals(1L, d.counts().get("pages_skipped_blank_title_or_lead"));
        assertEquals(1L, d.counts().get("samples_skipped_blank"));
        assertEquals(2L, d.counts().get("documents"));
    }

    @Test
    void pairsPutNegativesInTheCorpusAndCapUniformity() {
        List<TextPair> rows = List.of(
                new TextPair("q1", "p1", "n1"),
                new TextPair("q2", "p2", null),
                new TextPair("", "p3", "n3"),      // blank query: skipped
                new TextPair("q4", "p1", "p2"));   // negative equal to another row's positive
        EvalDataset d = EvalDatasets.fromPairs("t", "t.jsonl", rows, 3);
        assertEquals(List.of("q1", "q2", "q4"), d.retrieval().queries());
        assertEquals(List.of("p1", "p2", "n1"), d.retrieval().documents());
        assertArrayEquals(new int[]{0, 1, 0}, d.retrieval().relevant());
        assertEquals(2, d.triplets().size());
        assertEquals(List.of("q1", "q2", "q4"), d.uniformity()); // first 3 distinct texts
        assertEquals(1L, d.counts().get("rows_skipped_blank_query_or_positive"));
        assertEquals(1L, d.counts().get("rows_without_negative"));
    }

    @Test
    void emptyDataIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> EvalDatasets.fromPairs("t", "t.csv", List.of(new TextPair(null, "p", null)), 10));
    }

    @Test
    void passageHalvesCutEachDistinctLongTextAtItsMiddleWord() {
        List<String> samples = Arrays.asList(
                "едно две три четири пет шест седем осем девет",   // 9 words: 4 | 5
                "кратък текст от седем думи тук само",            // 7 words: too short
                null,
                "едно две три четири пет шест седем осем девет",   // duplicate
                "  а  б в г\nд е ж з  ",                           // 8 words, odd spacing: 4 | 4
                "1 2 3 4 5 6 7 8 9 10");                         // beyond the cap of 2
        EvalDataset d = EvalDatasets.passageHalves("v", samples, 2);
        assertEquals(EvalDatasets.HALVES, d.name());
        assertEquals(List.of("едно две три четири", "а б в г"), d.retrieval().queries());
        assertEquals(List.of("пет шест седем осем девет", "д е ж з"), d.retrieval().documents());
        assertArrayEquals(new int[]{0, 1}, d.retrieval().relevant());
        assertEquals(List.of(new TextPair("едно две три четири", "пет шест седем осем девет", null),
                new TextPair("а б в г", "д е ж з", null)), d.alignmentPairs());
        assertEquals(List.of(), d.uniformity());
        assertEquals(1L, d.counts().get("samples_skipped_short"));
        assertEquals(1L, d.counts().get("samples_skipped_blank"));
        assertEquals(1L, d.counts().get("samples_skipped_duplicate"));
        assertEquals(2L, d.counts().get("queries"));
        assertTrue(d.description().startsWith("first half -> second half"), d.description());
        assertNull(EvalDatasets.passageHalves("v", List.of("too short"), 10));
    }
}
