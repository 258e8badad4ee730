package org.bg2vec.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareManifest;
import org.bg2vec.prepare.Reasons;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundled sample dump (data-prep/sample) through the whole job: the skip counts must match a tally made
 * from the page sources (data-prep/sample/pages/*.wiki, independent of the XML reader), no sample keeps wiki
 * markup, and the single-stream, multistream + index and plain XML copies give byte-identical shards.
 */
class PrepareSampleDumpTest {

    static final Path SAMPLE = Path.of("data-prep/sample");
    static final String TOKENIZER = "src/test/resources/tokenizers/llama2/tokenizer.json";
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("local[2]", "prepare-sample-test", Map.of("spark.ui.enabled", "false",
                "spark.sql.shuffle.partitions", "4"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Counts from the page sources' headers and text. */
    record Tally(long pages, long otherNamespaces, long redirects, long malformed, long empty, long articles) {
        static Tally of(Path pagesDir) throws IOException {
            long pages = 0, ns = 0, redirects = 0, malformed = 0, empty = 0, articles = 0;
            List<Path> files;
            try (Stream<Path> s = Files.list(pagesDir)) {
                files = s.filter(p -> p.toString().endsWith(".wiki")).sorted().toList();
            }
            for (Path f : files) {
                String all = Files.readString(f, StandardCharsets.UTF_8);
                int blank = all.indexOf("\n\n");
                String header = blank < 0 ? all : all.substring(0, blank);
                String text = blank < 0 ? "" : all.substring(blank + 2);
                pages++;
                String first = text.strip().toLowerCase(Locale.ROOT);
                if (!header.contains("\nns: 0")) {
                    ns++;
                } else if (header.contains("\nraw: yes")) {
                    malformed++;
                } else if (header.contains("\nredirect: ") || first.startsWith("#redirect")
                        || first.startsWith("#пренасочване")) {
                    redirects++;
                } else if (text.isBlank()) {
                    empty++;
                } else {
                    articles++;
                }
            }
            return new Tally(pages, ns, redirects, malformed, empty, articles);
        }
    }

    @Test
    void sampleDumpCountsMatchThePageSourcesAndAllCopiesGiveTheSameShards() throws IOException {
        Tally t = Tally.of(SAMPLE.resolve("pages"));
        assertTrue(t.pages() >= 40 && t.malformed() == 1 && t.articles() >= 30, t.toString());

        Path single = dir.resolve("single");
        PrepareManifest m = PrepareJob.run(spark, config(SAMPLE.resolve("bgwiki-sample-pages-articles.xml.bz2"),
                single).build());
        Map<String, Long> s = m.skipped();
        assertEquals(t.pages(), m.inputs().get(0).records());
        assertEquals(t.otherNamespaces(), s.getOrDefault(Reasons.NAMESPACE, 0L), s.toString());
        assertEquals(t.redirects(), s.getOrDefault(Reasons.REDIRECT, 0L), s.toString());
        assertEquals(t.malformed(), s.getOrDefault(Reasons.MALFORMED_XML, 0L), s.toString());
        assertEquals(t.empty(), s.getOrDefault(Reasons.EMPTY, 0L), s.toString());
        assertEquals(0L, s.getOrDefault(Reasons.MARKUP_LEFTOVER, 0L), "no wiki markup left in any sample: " + s);
        long samples = m.splits().train().samples() + m.splits().validation().samples();
        long dropped = s.getOrDefault(Reasons.TOO_FEW_TOKENS, 0L) + s.getOrDefault(Reasons.LOW_CYRILLIC, 0L)
                + s.getOrDefault(Reasons.DUPLICATE, 0L) + s.getOrDefault(Reasons.EMPTY_AFTER_CLEANING, 0L);
        assertEquals(t.articles(), samples + dropped, "every article is a sample or counted: " + s);
        assertTrue(samples >= t.articles() - 2, "nearly every article of the sample is usable: " + s);

        // the rejects name the malformed page
        Dataset<Row> rejects = spark.read().parquet(single.resolve("rejects").toString());
        Row r = rejects.first();
        assertEquals(Reasons.MALFORMED_XML, r.getString(r.fieldIndex("reason")));
        assertEquals("Повредена страница", r.getString(r.fieldIndex("title")));
        assertEquals(1139L, r.getLong(r.fieldIndex("page_id")));

        // every sample has its article's lead; a lead is a prefix-free first paragraph, not a heading
        for (Row row : spark.read().parquet(single.resolve("train").toString()).collectAsList()) {
            String lead = row.getString(row.fieldIndex("lead"));
            assertTrue(!lead.isBlank() && !lead.contains("=="), lead);
        }

        Path multi = dir.resolve("multi");
        PrepareManifest mm = PrepareJob.run(spark, config(
                SAMPLE.resolve("bgwiki-sample-pages-articles-multistream.xml.bz2"), multi)
                .indexes(List.of(SAMPLE.resolve("bgwiki-sample-pages-articles-multistream-index.txt.bz2").toString()))
                .build());
        Path plain = dir.resolve("plain");
        PrepareManifest mp = PrepareJob.run(spark, config(SAMPLE.resolve("bgwiki-sample-pages-articles.xml"), plain)
                .build());
        assertEquals(m.splits(), mm.splits());
        assertEquals(m.splits(), mp.splits());
        assertEquals(m.skipped(), mm.skipped());
        assertEquals(m.skipped(), mp.skipped());
        List<String> files = new ArrayList<>(m.splits().train().files());
        files.addAll(m.splits().validation().files());
        for (String f : files) {
            byte[] a = Files.readAllBytes(single.resolve(f));
            assertArrayEquals(a, Files.readAllBytes(multi.resolve(f)), f);
            assertArrayEquals(a, Files.readAllBytes(plain.resolve(f)), f);
        }
    }

    static PrepareConfig.Builder config(Path input, Path out) {
        return PrepareConfig.builder().inputs(List.of(input.toString())).tokenizer(TOKENIZER)
                .output(out.toString()).shards(2);
    }
}
