package org.bg2vec.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bg2vec.prepare.Dedup;
import org.bg2vec.prepare.DumpReadException;
import org.bg2vec.prepare.DumpSplit;
import org.bg2vec.prepare.InputFormat;
import org.bg2vec.prepare.InputPlanner;
import org.bg2vec.prepare.PrepareConfig;
import org.bg2vec.prepare.PrepareManifest;
import org.bg2vec.prepare.PrepareWorker;
import org.bg2vec.prepare.Reasons;
import org.bg2vec.prepare.ResolvedInput;
import org.bg2vec.prepare.Sample;
import org.bg2vec.prepare.SampleIds;
import org.bg2vec.prepare.SampleMode;
import org.bg2vec.prepare.SplitReaders;
import org.bg2vec.prepare.TestDumps;
import org.bg2vec.text.MarkupLeftovers;
import org.bg2vec.tokenize.Llm2VecTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prepare job end to end in local[2]: outputs, equivalences, determinism and every bad input. */
class PrepareJobTest {

    static final String TOKENIZER = Path.of("src/test/resources/tokenizers/llama2/tokenizer.json").toString();
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessions.getOrCreate("local[2]", "prepare-job-test", Map.of("spark.ui.enabled", "false",
                "spark.sql.shuffle.partitions", "4"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static PrepareConfig.Builder config(Path input, Path out) {
        return PrepareConfig.builder().inputs(List.of(input.toString())).tokenizer(TOKENIZER)
                .output(out.toString()).shards(3).validationFraction(0.2);
    }

    /** The mixed dump: articles plus one page for every skip/reject reason. */
    static String mixedDump() {
        List<String> pages = new ArrayList<>(TestDumps.articles(1, 40));
        pages.add(TestDumps.page(101, 0, "Пренасочване", "#ПРЕНАСОЧВАНЕ [[Статия 1]]", false));
        pages.add(TestDumps.page(102, 0, "Redirect", "#REDIRECT [[Статия 2]]", true));
        pages.add(TestDumps.page(103, 1, "Беседа:Статия 1", "Обсъждане на статията с достатъчно думи в него.", false));
        pages.add(TestDumps.page(104, 4, "Уикипедия:Правила", "Правилата на проекта са описани тук подробно.", false));
        pages.add(TestDumps.page(105, 0, "Празна", "", false));
        pages.add("  <page>\n    <title>Счупена</title>\n    <ns>0</ns>\n    <id>106</id>\n"
                + "    <revision><text xml:space=\"preserve\">текст</txet></revision>\n  </page>\n");
        pages.add(TestDumps.page(107, 0, "Огромна", "Много дълъг текст за тест. ".repeat(1000), false));
        String same = "'''Близнак''' е дума, която се среща в две статии с един и същи текст за проверка.";
        pages.add(TestDumps.page(108, 0, "Близнак 1", same, false));
        pages.add(TestDumps.page(109, 0, "Близнак 2", same, false));
        return TestDumps.dump(pages);
    }

    @Test
    void dumpGivesShardsManifestAndRejects() throws IOException {
        Path xml = TestDumps.writeBz2(dir.resolve("bgwiki-test.xml.bz2"), mixedDump());
        Path out = dir.resolve("out");
        PrepareManifest m = PrepareJob.run(spark, config(xml, out).maxPageBytes(8192).build());

        // the manifest on disk is the one returned, and it reads back
        PrepareManifest onDisk;
        try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
            onDisk = PrepareManifest.read(in);
        }
        assertEquals(m.splits(), onDisk.splits());
        assertEquals(1, onDisk.formatVersion());
        assertEquals(128, onDisk.maxSeqLength());
        assertEquals(SampleMode.ARTICLE, onDisk.sampleMode());
        assertEquals(32000, onDisk.tokenizer().vocabSize());
        assertEquals(64, onDisk.tokenizer().sha256().length());
        assertEquals(49, onDisk.inputs().get(0).records());
        assertEquals(Files.size(xml), onDisk.inputs().get(0).bytes());

        Map<String, Long> skipped = m.skipped();
        assertEquals(2L, skipped.get(Reasons.REDIRECT));
        assertEquals(2L, skipped.get(Reasons.NAMESPACE));
        assertEquals(1L, skipped.get(Reasons.EMPTY));
        assertEquals(1L, skipped.get(Reasons.MALFORMED_XML));
        assertEquals(1L, skipped.get(Reasons.PAGE_TOO_LARGE));
        assertEquals(1L, skipped.get(Reasons.DUPLICATE));
        assertNull(skipped.get(Reasons.MARKUP_LEFTOVER), "the cleaner leaves no markup in these pages");

        // exactly --shards sortable files per split, listed in the manifest
        for (String split : List.of("train", "validation")) {
            try (Stream<Path> files = Files.list(out.resolve(split))) {
                List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet"))
                        .sorted().collect(Collectors.toList());
                assertEquals(List.of("part-00000.parquet", "part-00001.parquet", "part-00002.parquet"), names);
            }
        }
        assertEquals(List.of("train/part-00000.parquet", "train/part-00001.parquet", "train/part-00002.parquet"),
                m.splits().train().files());

        Dataset<Row> train = spark.read().parquet(out.resolve("train").toString());
        Dataset<Row> val = spark.read().parquet(out.resolve("validation").toString());
        StructType schema = train.schema();
        assertEquals(DataTypes.LongType, schema.apply("sample_id").dataType());
        assertEquals(DataTypes.LongType, schema.apply("page_id").dataType());
        assertEquals(DataTypes.StringType, schema.apply("lead").dataType());
        assertEquals(DataTypes.IntegerType, ((ArrayType) schema.apply("query_ids").dataType()).elementType());
        assertEquals(DataTypes.IntegerType, ((ArrayType) schema.apply("positive_ids").dataType()).elementType());
        assertEquals(m.splits().train().samples(), train.count());
        assertEquals(m.splits().validation().samples(), val.count());
        assertEquals(41, train.count() + val.count(), "40 articles + one of the twins");
        assertTrue(val.count() > 0 && train.count() > val.count());

        Set<Long> trainPages = new HashSet<>();
        try (Llm2VecTokenizer tok = Llm2VecTokenizer.load(Path.of(TOKENIZER), 128)) {
            for (Row r : train.union(val).collectAsList()) {
                long pageId = r.getLong(r.fieldIndex("page_id"));
                assertEquals(SampleIds.of(pageId, 0), r.getLong(r.fieldIndex("sample_id")));
                String query = r.getString(r.fieldIndex("query"));
                assertEquals(query, r.getString(r.fieldIndex("positive")));
                assertNull(MarkupLeftovers.find(query), query);
                int[] ids = ids(r, "query_ids");
                assertArrayEquals(tok.encodeIds(query), ids);
                assertArrayEquals(ids, ids(r, "positive_ids"));
                assertTrue(ids.length <= 128 && ids[0] == 1);
                String title = r.getString(r.fieldIndex("title"));
                if (title.startsWith("Статия ")) {
                    assertTrue(r.getString(r.fieldIndex("lead")).startsWith(title + " е "), r.getString(2));
                }
            }
            for (Row r : train.collectAsList()) {
                trainPages.add(r.getLong(r.fieldIndex("page_id")));
            }
        }
        for (Row r : val.collectAsList()) {
            assertFalse(trainPages.contains(r.getLong(r.fieldIndex("page_id"))), "no page in both splits");
        }

        Dataset<Row> rejects = spark.read().parquet(out.resolve("rejects").toString());
        assertEquals(2, m.rejects());
        List<String> reasons = rejects.select("reason").collectAsList().stream().map(r -> r.getString(0)).sorted()
                .collect(Collectors.toList());
        assertEquals(List.of(Reasons.MALFORMED_XML, Reasons.PAGE_TOO_LARGE), reasons);
        Row malformed = rejects.where("reason = 'malformed_xml'").first();
        assertEquals(106L, malformed.getLong(malformed.fieldIndex("page_id")));
        assertEquals("Счупена", malformed.getString(malformed.fieldIndex("title")));
        assertTrue(malformed.getString(malformed.fieldIndex("source")).endsWith("bgwiki-test.xml.bz2"));

        // no temp directory left next to the output
        try (Stream<Path> siblings = Files.list(dir)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".out.tmp")));
        }
    }

    static int[] ids(Row r, String column) {
        List<Integer> l = r.getList(r.fieldIndex(column));
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void multistreamWithIndexGivesTheSameShardsAsTheSingleStreamDump() throws IOException {
        List<String> pages = TestDumps.articles(1, 120);
        List<Long> ids = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (long i = 1; i <= 120; i++) {
            ids.add(i);
            titles.add("Статия " + i);
        }
        Path multi = dir.resolve("bgwiki-test-pages-articles-multistream.xml.bz2");
        Path index = dir.resolve("bgwiki-test-pages-articles-multistream-index.txt.bz2");
        TestDumps.writeMultistream(multi, index, pages, ids, titles, 10);
        Path single = TestDumps.writeBz2(dir.resolve("bgwiki-test-pages-articles.xml.bz2"), TestDumps.dump(pages));

        PrepareManifest a = PrepareJob.run(spark, config(single, dir.resolve("single")).build());
        PrepareManifest b = PrepareJob.run(spark, config(multi, dir.resolve("multi"))
                .indexes(List.of(index.toString())).build());
        assertEquals(120, a.splits().train().samples() + a.splits().validation().samples());
        assertEquals(a.splits(), b.splits());
        assertSameFiles(dir.resolve("single"), dir.resolve("multi"), a);
    }

    @Test
    void twoRunsGiveByteIdenticalShardsAndTheSeedChangesTheOrder() throws IOException {
        Path xml = TestDumps.writeXml(dir.resolve("d.xml"), TestDumps.dump(TestDumps.articles(1, 80)));
        PrepareManifest a = PrepareJob.run(spark, config(xml, dir.resolve("a")).build());
        PrepareManifest b = PrepareJob.run(spark, config(xml, dir.resolve("b")).build());
        assertSameFiles(dir.resolve("a"), dir.resolve("b"), a);
        assertEquals(a.splits(), b.splits());
        PrepareJob.run(spark, config(xml, dir.resolve("c")).seed(7).build());
        List<Long> orderA = order(dir.resolve("a"));
        List<Long> orderC = order(dir.resolve("c"));
        assertEquals(new HashSet<>(orderA), new HashSet<>(orderC));
        assertFalse(orderA.equals(orderC), "another seed, another order");
    }

    List<Long> order(Path out) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            spark.read().parquet(out.resolve("train/part-0000" + i + ".parquet").toString()).select("sample_id")
                    .collectAsList().forEach(r -> ids.add(r.getLong(0)));
        }
        return ids;
    }

    static void assertSameFiles(Path a, Path b, PrepareManifest m) throws IOException {
        List<String> files = new ArrayList<>(m.splits().train().files());
        files.addAll(m.splits().validation().files());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
    }

    @Test
    void twoInputsGiveOneDatasetAndCollidingPageIdsAreCounted() throws IOException {
        Path a = TestDumps.writeXml(dir.resolve("a.xml"), TestDumps.dump(TestDumps.articles(1, 20)));
        Path b = TestDumps.writeBz2(dir.resolve("b.xml.bz2"), TestDumps.dump(TestDumps.articles(21, 40)));
        List<String> other = new ArrayList<>();
        other.add(TestDumps.page(5, 0, "Друга", "'''Друга''' е страница от друго уики със същия номер на страница.",
                false));
        Path c = TestDumps.writeXml(dir.resolve("c.xml"), TestDumps.dump(other));
        PrepareManifest m = PrepareJob.run(spark, PrepareConfig.builder()
                .inputs(List.of(a.toString(), b.toString(), c.toString())).tokenizer(TOKENIZER)
                .output(dir.resolve("out").toString()).shards(2).build());
        assertEquals(3, m.inputs().size());
        assertEquals(List.of(20L, 20L, 1L), m.inputs().stream().map(PrepareManifest.Input::records).toList());
        assertEquals(40, m.splits().train().samples() + m.splits().validation().samples());
        assertEquals(1L, m.skipped().get(Reasons.DUPLICATE_SAMPLE_ID));
    }

    @Test
    void existingOutputIsRefusedUnlessOverwrite() throws IOException {
        Path xml = TestDumps.writeXml(dir.resolve("d.xml"), TestDumps.dump(TestDumps.articles(1, 10)));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrepareJob.run(spark, config(xml, out).build()));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertTrue(Files.exists(out.resolve("keep.txt")));
        PrepareManifest m = PrepareJob.run(spark, config(xml, out).overwrite(true).build());
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertTrue(Files.exists(out.resolve("manifest.json")));
        assertEquals(0, m.rejects());
        assertEquals(0, spark.read().parquet(out.resolve("rejects/part-00000.parquet").toString()).count(),
                "the rejects file exists even when empty");
    }

    @Test
    void truncatedBz2FailsTheJobWithFileAndOffset() throws IOException {
        byte[] full = TestDumps.bz2(TestDumps.dump(TestDumps.articles(1, 600)), 1);
        Path cut = Files.write(dir.resolve("cut.xml.bz2"), Arrays.copyOf(full, full.length * 2 / 3));
        DumpReadException e = assertThrows(DumpReadException.class,
                () -> PrepareJob.run(spark, config(cut, dir.resolve("out")).build()));
        assertTrue(e.getMessage().contains("cut.xml.bz2") && e.getMessage().contains("truncated")
                && e.getMessage().contains("compressed byte ~"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
        try (Stream<Path> siblings = Files.list(dir)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".out.tmp")), "temp removed");
        }
    }

    @Test
    void emptyDumpsAreClearErrors() throws IOException {
        Path noPages = TestDumps.writeXml(dir.resolve("nopages.xml"), TestDumps.dump(List.of()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PrepareJob.run(spark, config(noPages, dir.resolve("o1")).build()));
        assertTrue(e.getMessage().contains("nopages.xml") && e.getMessage().contains("no pages"), e.getMessage());
        Path zero = Files.write(dir.resolve("zero.xml"), new byte[0]);
        DumpReadException e2 = assertThrows(DumpReadException.class,
                () -> PrepareJob.run(spark, config(zero, dir.resolve("o2")).build()));
        assertTrue(e2.getMessage().contains("zero.xml") && e2.getMessage().contains("empty"), e2.getMessage());
    }

    @Test
    void parquetWithWrongColumnsListsWhatItFound() throws IOException {
        StructType schema = new StructType().add("page", DataTypes.StringType).add("name", DataTypes.StringType)
                .add("body", DataTypes.StringType);
        Path pq = dir.resolve("wrong.parquet");
        spark.createDataFrame(List.of(RowFactory.create("1", "София", "София е столица.")), schema)
                .coalesce(1).write().parquet(pq.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrepareJob.run(spark, config(pq, dir.resolve("out")).build()));
        assertTrue(e.getMessage().contains("found: page, name, body"), e.getMessage());
        assertTrue(e.getMessage().contains("id, title, text"), e.getMessage());
    }

    @Test
    void cleanParquetAndJsonlInputsSkipCleaning() throws IOException {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("url", DataTypes.StringType)
                .add("title", DataTypes.StringType).add("text", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            rows.add(RowFactory.create(String.valueOf(i), "https://bg.wikipedia.org/wiki?curid=" + i, "Статия " + i,
                    "Статия " + i + " е кратък текст за номер " + i + " в справочника.\n\nВтори абзац за " + i + "."));
        }
        rows.add(RowFactory.create("не-число", "u", "Лош ред", "Текст на лош ред с достатъчно думи в него."));
        Path pq = dir.resolve("wiki.parquet");
        spark.createDataFrame(rows, schema).coalesce(2).write().parquet(pq.toString());
        PrepareManifest m = PrepareJob.run(spark, config(pq, dir.resolve("p")).build());
        assertEquals(30, m.splits().train().samples() + m.splits().validation().samples());
        assertEquals(1L, m.skipped().get(Reasons.BAD_ROW));
        assertEquals(1, m.rejects());

        StringBuilder jsonl = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            jsonl.append("{\"id\": \"").append(i).append("\", \"revid\": \"9\", \"url\": \"u\", \"title\": \"Статия ")
                    .append(i).append("\", \"text\": \"Статия ").append(i).append(" е кратък текст за номер ").append(i)
                    .append(" в справочника.\\nВтори абзац за ").append(i).append(".\"}\n");
        }
        jsonl.append("{not json\n");
        Path js = Files.writeString(dir.resolve("wiki.jsonl"), jsonl, StandardCharsets.UTF_8);
        PrepareManifest j = PrepareJob.run(spark, config(js, dir.resolve("j")).build());
        assertEquals(m.splits().train().samples(), j.splits().train().samples());
        assertEquals(1L, j.skipped().get(Reasons.BAD_ROW));
        assertSameFiles(dir.resolve("p"), dir.resolve("j"), m);
    }

    @Test
    void passageModeAndNearDuplicates() throws IOException {
        List<String> pages = new ArrayList<>(TestDumps.articles(1, 20));
        String base = "'''Марица''' е най-пълноводната река на Балканския полуостров, която извира от Рила и тече"
                + " през Тракийската низина към Егейско море, като минава покрай Пловдив и Пазарджик.";
        pages.add(TestDumps.page(201, 0, "Марица", base, false));
        pages.add(TestDumps.page(202, 0, "Марица (река)", base.replace("Пазарджик", "Димитровград"), false));
        Path xml = TestDumps.writeXml(dir.resolve("d.xml"), TestDumps.dump(pages));
        PrepareManifest plain = PrepareJob.run(spark, config(xml, dir.resolve("plain")).build());
        PrepareManifest near = PrepareJob.run(spark, config(xml, dir.resolve("near")).nearDup(true)
                .nearDupThreshold(0.7).build());
        long plainCount = plain.splits().train().samples() + plain.splits().validation().samples();
        long nearCount = near.splits().train().samples() + near.splits().validation().samples();
        assertEquals(22, plainCount);
        assertEquals(1L, near.skipped().get(Reasons.NEAR_DUPLICATE));
        assertEquals(21, nearCount);
        Set<Long> pagesLeft = spark.read().parquet(dir.resolve("near/train").toString())
                .union(spark.read().parquet(dir.resolve("near/validation").toString()))
                .select("page_id").collectAsList().stream().map(r -> r.getLong(0)).collect(Collectors.toSet());
        assertTrue(pagesLeft.contains(201L) && !pagesLeft.contains(202L), "the larger id goes");

        PrepareManifest passages = PrepareJob.run(spark, config(xml, dir.resolve("passages"))
                .sampleMode(SampleMode.PASSAGE).maxSeqLength(32).minTokens(4).build());
        long passageCount = passages.splits().train().samples() + passages.splits().validation().samples();
        assertTrue(passageCount > plainCount, "articles are split into several passages: " + passageCount);
        for (Row r : spark.read().parquet(dir.resolve("passages/train").toString()).collectAsList()) {
            assertTrue(ids(r, "query_ids").length <= 32);
        }
    }

    @Test
    void exactDuplicatesLeaveTheSamplesThatTheRulesKeepWhenAppliedOneSampleAtATime() throws IOException {
        List<String> a = new ArrayList<>(TestDumps.articles(1, 30));
        String copy = "'''Копие''' е статия, чийто текст се среща няколко пъти в дъмпа под различни номера и заглавия.";
        for (long id = 31; id <= 36; id++) {
            a.add(TestDumps.page(id, 0, "Копие " + id, copy, false));
        }
        List<String> b = new ArrayList<>(TestDumps.articles(40, 50));
        b.add(TestDumps.page(5, 0, "Друга", "'''Друга''' е страница от друго уики със същия номер на страница.",
                false));
        b.add(TestDumps.page(7, 0, "Копие от друго уики", copy, false));
        b.add(TestDumps.page(60, 0, "Копие 60", copy, false));
        Path xa = TestDumps.writeXml(dir.resolve("a.xml"), TestDumps.dump(a));
        Path xb = TestDumps.writeXml(dir.resolve("b.xml"), TestDumps.dump(b));
        PrepareConfig config = PrepareConfig.builder().inputs(List.of(xa.toString(), xb.toString()))
                .tokenizer(TOKENIZER).output(dir.resolve("out").toString()).shards(3).validationFraction(0.2)
                .build();
        PrepareManifest m = PrepareJob.run(spark, config);

        // the rules applied in plain Java to every sample of the inputs, read one after the other
        PrepareWorker worker = PrepareWorker.open(config, Path.of(TOKENIZER));
        InputPlanner planner = new InputPlanner(new Configuration());
        List<Sample> all = new ArrayList<>();
        for (ResolvedInput in : planner.resolve(config.inputs(), InputFormat.AUTO, List.of())) {
            for (DumpSplit split : planner.splits(in, 1)) {
                worker.outcomes(SplitReaders.open(split, new Configuration(), config.maxPageBytes()), split.path(),
                        split.inputIndex()).forEachRemaining(o -> {
                            if (o instanceof Sample smp) {
                                all.add(smp);
                            }
                        });
            }
        }
        Map<Long, Sample> byText = new HashMap<>();
        all.forEach(smp -> byText.merge(Dedup.textKey(smp), smp, Dedup::sameTextWinner));
        Map<Long, Sample> byId = new HashMap<>();
        byText.values().forEach(smp -> byId.merge(smp.sampleId(), smp, Dedup::sameIdWinner));
        assertEquals(all.size() - byText.size(), m.skipped().get(Reasons.DUPLICATE));
        assertEquals(byText.size() - byId.size(), m.skipped().get(Reasons.DUPLICATE_SAMPLE_ID));
        assertTrue(all.size() - byText.size() >= 6 && byText.size() > byId.size(), "the inputs have both kinds");

        Set<String> expected = byId.values().stream()
                .map(smp -> smp.sampleId() + "|" + smp.title() + "|" + smp.text() + "|" + Arrays.toString(smp.ids()))
                .collect(Collectors.toSet());
        Set<String> written = spark.read().parquet(dir.resolve("out/train").toString())
                .union(spark.read().parquet(dir.resolve("out/validation").toString())).collectAsList().stream()
                .map(r -> r.getLong(r.fieldIndex("sample_id")) + "|" + r.getString(r.fieldIndex("title")) + "|"
                        + r.getString(r.fieldIndex("query")) + "|" + Arrays.toString(ids(r, "query_ids")))
                .collect(Collectors.toSet());
        assertEquals(expected, written);
        assertEquals(byId.size(), m.splits().train().samples() + m.splits().validation().samples());
    }
}
