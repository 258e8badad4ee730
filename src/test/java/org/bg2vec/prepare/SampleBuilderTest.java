package org.bg2vec.prepare;

import org.bg2vec.text.SentenceSplitter;
import org.bg2vec.tokenize.Llm2VecTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Samples from clean paragraphs with the real Llama-2 tokenizer: budgets, packing, filters, ids. */
class SampleBuilderTest {

    static final Path LLAMA2 = Path.of("src/test/resources/tokenizers/llama2/tokenizer.json");
    static final int MAX = 32;
    static Llm2VecTokenizer tok;

    static final List<String> PARAGRAPHS = List.of(
            "Рила е най-високата планина в България и на Балканския полуостров. Най-високият ѝ връх е Мусала.",
            "Планината е разположена в Югозападна България. Тя е дом на много ледникови езера, сред които"
                    + " са Седемте рилски езера. Проф. Иван Петров описва флората ѝ подробно.",
            "Рилският манастир е основан през X век от св. Иван Рилски и е един от най-значимите паметници.");

    @BeforeAll
    static void load() throws Exception {
        tok = Llm2VecTokenizer.load(LLAMA2, 1 << 20);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    static final class Collect implements OutcomeSink {
        final List<Sample> samples = new ArrayList<>();
        final List<Reject> rejects = new ArrayList<>();
        final ReasonCounts counts = new ReasonCounts();

        @Override
        public void accept(Outcome o) {
            if (o instanceof Sample s) {
                samples.add(s);
            } else if (o instanceof Reject r) {
                rejects.add(r);
            }
        }

        @Override
        public void count(String reason) {
            counts.add(reason);
        }
    }

    @Test
    void articleSampleIsTheLongestWordPrefixThatFitsAndIdsAreItsEncoding() {
        Collect c = new Collect();
        new SampleBuilder(tok, MAX, SampleMode.ARTICLE, 8, 0.6).build(42, "Рила", "src", PARAGRAPHS.get(0), PARAGRAPHS, c);
        assertEquals(1, c.samples.size());
        Sample s = c.samples.get(0);
        assertEquals(SampleIds.of(42, 0), s.sampleId());
        assertEquals(42, SampleIds.pageIdOf(s.sampleId()));
        assertEquals(PARAGRAPHS.get(0), s.lead());
        assertArrayEquals(tok.encodeIds(s.text()), s.ids());
        assertEquals(1, s.ids()[0], "BOS first");
        assertTrue(s.ids().length <= MAX);
        String full = String.join("\n", PARAGRAPHS);
        assertTrue(full.startsWith(s.text()), "a prefix of the article");
        // maximal: the prefix up to the next word boundary does not fit
        int next = full.indexOf(' ', s.text().length() + 1);
        assertTrue(tok.countTokens(full.substring(0, next)) > MAX - 1, "cut as long as the budget allows");
    }

    @Test
    void passagesPackWholeSentencesInOrderWithinTheBudget() {
        Collect c = new Collect();
        new SampleBuilder(tok, MAX, SampleMode.PASSAGE, 1, 0.6).build(7, "Рила", "src", PARAGRAPHS.get(0), PARAGRAPHS, c);
        assertTrue(c.samples.size() >= 3, "several passages: " + c.samples.size());
        List<String> sentences = new ArrayList<>();
        for (String p : PARAGRAPHS) {
            sentences.addAll(SentenceSplitter.bulgarian().split(p));
        }
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < c.samples.size(); i++) {
            Sample s = c.samples.get(i);
            assertEquals(SampleIds.of(7, i), s.sampleId());
            assertTrue(s.ids().length <= MAX, s.text());
            assertArrayEquals(tok.encodeIds(s.text()), s.ids());
            joined.append(i == 0 ? "" : " ").append(s.text());
        }
        assertEquals(String.join(" ", sentences), joined.toString(), "every sentence once, in order");
        assertFalse(c.samples.get(0).text().endsWith("Проф."), "abbreviation does not end a passage");
    }

    @Test
    void filtersCountWhatTheyDrop() {
        Collect c = new Collect();
        SampleBuilder b = new SampleBuilder(tok, MAX, SampleMode.ARTICLE, 8, 0.6);
        b.build(1, "Кратка", "src", "Да.", List.of("Да."), c);
        b.build(2, "English", "src", "x", List.of("This article is written entirely in English, no Cyrillic."), c);
        b.build(3, "Счупена", "src", "x", List.of("Текст с остатък {{шаблон}} вътре, който е доста дълъг."), c);
        assertEquals(List.of(), c.samples);
        assertEquals(1, c.counts.get(Reasons.TOO_FEW_TOKENS));
        assertEquals(1, c.counts.get(Reasons.LOW_CYRILLIC));
        assertEquals(1, c.counts.get(Reasons.MARKUP_LEFTOVER));
        assertEquals(1, c.rejects.size());
        assertEquals(3L, c.rejects.get(0).pageId());
        assertTrue(c.rejects.get(0).detail().contains("{{"), c.rejects.get(0).detail());
        // --min-cyrillic 0 turns the script filter off
        Collect all = new Collect();
        new SampleBuilder(tok, MAX, SampleMode.ARTICLE, 8, 0).build(2, "English", "src", "x",
                List.of("This article is written entirely in English, no Cyrillic."), all);
        assertEquals(1, all.samples.size());
    }

    @Test
    void tokenBudgetCutsInsideAWordOnlyWhenTheFirstWordIsTooLong() {
        TokenBudget budget = new TokenBudget(PrepareTokenizer.of(tok), MAX);
        String word = "Антидисестаблишментаризъм".repeat(10);
        TokenBudget.Cut cut = budget.cut(word + " край");
        assertTrue(word.startsWith(cut.text()) && !cut.text().isEmpty());
        assertArrayEquals(tok.encodeIds(cut.text()), cut.ids());
        assertTrue(cut.ids().length <= MAX);
        assertTrue(tok.countTokens(word.substring(0, cut.text().length() + 1)) > MAX - 1, "longest code-point prefix");
        for (String w : List.of("дума", "планина", "е", "Антидисестаблишментаризъм", "x")) {
            String text = (w + " ").repeat(500).strip();
            TokenBudget.Cut c = budget.cut(text);
            assertTrue(text.startsWith(c.text()) && !c.text().endsWith(" ") && !c.text().isEmpty(), w);
            assertArrayEquals(tok.encodeIds(c.text()), c.ids(), w);
            assertTrue(c.ids().length <= MAX, w);
            assertTrue(tok.countTokens(c.text() + " " + w) > MAX - 1, w + ": as long as the budget allows");
        }
        TokenBudget.Cut whole = budget.cut("кратък текст");
        assertEquals("кратък текст", whole.text());
        assertArrayEquals(tok.encodeIds("кратък текст"), whole.ids());
    }

    @Test
    void redirectTextInAnyCaseAndTheBulgarianAliases() {
        assertTrue(RedirectText.isRedirect("#REDIRECT [[София]]"));
        assertTrue(RedirectText.isRedirect("  #redirect:[[София]]"));
        assertTrue(RedirectText.isRedirect("#ПРЕНАСОЧВАНЕ [[София]]"));
        assertTrue(RedirectText.isRedirect("#пренасочване[[София]]"));
        assertTrue(RedirectText.isRedirect("#виж [[София]]"));
        assertTrue(RedirectText.isRedirect("#Weiterleitung [[Sofia]]"));
        assertFalse(RedirectText.isRedirect("'''София''' е столица. #REDIRECT [[X]]"));
        assertFalse(RedirectText.isRedirect("#REDIRECTS are explained here"));
        assertFalse(RedirectText.isRedirect("# списък"));
    }
}
