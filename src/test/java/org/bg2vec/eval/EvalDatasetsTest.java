package org.bg2vec.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
