package org.bg2vec.text;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cleans the bundled sample dump and compares against hand-checked texts and invariants. */
class SampleDumpCleaningTest {

    private static SamplePages sample;
    private static final WikitextCleaner CLEANER = new WikitextCleaner(CleaningConfig.defaults());

    @BeforeAll
    static void load() throws IOException {
        sample = SamplePages.load();
    }

    @Test
    void exactlyTheDocumentedPageIsMalformed() throws IOException {
        assertEquals(1, sample.failures.size(), "failures: " + sample.failures);
        assertEquals(1139, sample.failures.get(0).id());
        // every page source but the malformed one parses
        assertEquals(SamplePages.sourceCount() - 1, sample.pages.size());
    }

    @Test
    void sampleHasEnoughArticlesAndOtherPageKinds() {
        List<SamplePages.Page> articles = sample.articles();
        assertTrue(articles.size() >= 35, "articles: " + articles.size());
        assertTrue(sample.pages.stream().anyMatch(p -> p.ns() != 0));
        assertTrue(sample.pages.stream().anyMatch(p -> p.redirect() != null));
        assertTrue(sample.pages.stream().anyMatch(p -> p.ns() == 0 && p.text().isEmpty()));
    }

    /** Every page in namespace 0 that is kept has a lead naming its subject and no markup left over. */
    @Test
    void everyArticleCleansWithoutLeftoversAndWithALead() {
        for (SamplePages.Page p : sample.articles()) {
            CleanedArticle a = CLEANER.clean(p.title(), p.text());
            String where = p.id() + " " + p.title();
            assertNull(MarkupLeftovers.find(a.text()), where + " leaves markup: " + a.text());
            String lead = a.lead();
            int verb = lead.contains(" е ") ? lead.indexOf(" е ") : lead.indexOf(" са ");
            assertTrue(verb > 0, where + " lead is not 'X е ...': " + lead);
            String[] titleWords = p.title().split(" ");
            String last = titleWords[titleWords.length - 1];
            String stem = last.substring(0, Math.min(4, last.length())).toLowerCase(Locale.ROOT);
            assertTrue(lead.substring(0, verb).toLowerCase(Locale.ROOT).contains(stem),
                    where + " lead does not name the subject before 'е': " + lead);
            int words = a.text().split("\\s+").length;
            assertTrue(words >= 60, where + " has only " + words + " words");
            for (String para : a.paragraphs()) {
                assertFalse(para.isBlank(), where);
                assertEquals(para.strip(), para, where);
                assertFalse(para.contains("  "), where + ": double space in " + para);
                assertFalse(para.contains("\u00AD") || para.contains("\u00A0") || para.contains("\u200B"), where);
            }
            for (CleanedArticle.Section s : a.sections()) {
                assertFalse(CleaningConfig.DEFAULT_DROP_SECTIONS.contains(s.heading()), where + " kept " + s.heading());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1001, 1004, 1022, 1025, 1046, 1064, 1085, 1088, 1100, 1112})
    void matchesHandCheckedText(long id) throws IOException {
        SamplePages.Page p = sample.byId(id);
        String expected = readExpected(id);
        assertEquals(expected, render(CLEANER.clean(p.title(), p.text())), "page " + id + " " + p.title());
    }

    @Test
    void redirectsAndNonArticlesAreRecognisedByTheHelper() {
        List<Long> skipped = new ArrayList<>();
        for (SamplePages.Page p : sample.pages) {
            if (!sample.articles().contains(p)) {
                skipped.add(p.id());
            }
        }
        assertEquals(List.of(1036L, 1069L, 1115L, 1118L, 1121L, 1124L, 1127L, 1130L, 1133L, 1136L, 1142L), skipped);
    }

    /** One cleaner shared by several threads gives the same results as sequential cleaning. */
    @Test
    void cleanerIsThreadSafe() throws Exception {
        List<SamplePages.Page> articles = sample.articles();
        List<String> sequential = articles.stream().map(p -> CLEANER.clean(p.title(), p.text()).text()).toList();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<List<String>>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    List<String> out = new ArrayList<>();
                    for (int round = 0; round < 20; round++) {
                        out.clear();
                        for (SamplePages.Page p : articles) {
                            out.add(CLEANER.clean(p.title(), p.text()).text());
                        }
                    }
                    return out;
                }));
            }
            for (java.util.concurrent.Future<List<String>> run : runs) {
                assertEquals(sequential, run.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Section heading lines "== h ==" (lead section without one), then one paragraph per line. */
    static String render(CleanedArticle a) {
        StringBuilder sb = new StringBuilder();
        for (CleanedArticle.Section s : a.sections()) {
            if (!s.heading().isEmpty()) {
                sb.append("== ").append(s.heading()).append(" ==\n");
            }
            for (String p : s.paragraphs()) {
                sb.append(p).append('\n');
            }
        }
        return sb.toString();
    }

    private static String readExpected(long id) throws IOException {
        String name = "/expected-clean/" + id + ".txt";
        try (InputStream in = SampleDumpCleaningTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
