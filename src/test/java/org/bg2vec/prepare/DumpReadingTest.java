package org.bg2vec.prepare;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading dumps into pages and rejects, Spark-free: every split kind, encodings and broken inputs. */
class DumpReadingTest {

    @TempDir
    Path dir;

    private final Configuration conf = new Configuration();

    /** All records of all splits of one input, in order. */
    List<SourceRecord> read(Path file, String index, long maxPageBytes, int parallelism) throws IOException {
        InputPlanner planner = new InputPlanner(conf);
        List<ResolvedInput> inputs = planner.resolve(List.of(file.toString()), InputFormat.AUTO,
                index == null ? List.of() : List.of(index));
        List<SourceRecord> out = new ArrayList<>();
        for (DumpSplit split : planner.splits(inputs.get(0), parallelism)) {
            try (RecordReader r = SplitReaders.open(split, conf, maxPageBytes)) {
                for (SourceRecord rec = r.next(); rec != null; rec = r.next()) {
                    out.add(rec);
                }
            }
        }
        return out;
    }

    static List<String> titles(List<SourceRecord> records) {
        List<String> t = new ArrayList<>();
        for (SourceRecord r : records) {
            t.add(r instanceof SourceRecord.WikiPage w ? w.page().title()
                    : "REJECT:" + ((SourceRecord.Rejected) r).reject().reason());
        }
        return t;
    }

    @Test
    void plainXmlPagesAreParsedWithIdNsRedirectAndText() throws IOException {
        String xml = TestDumps.dump(List.of(
                TestDumps.page(10, 0, "София", "'''София''' е столицата & най-големият град.", false),
                TestDumps.page(11, 1, "Беседа:София", "обсъждане", false),
                TestDumps.page(12, 0, "Sofia", "#пренасочване [[София]]", true)));
        List<SourceRecord> recs = read(TestDumps.writeXml(dir.resolve("d.xml"), xml), null, 1 << 20, 1);
        assertEquals(3, recs.size());
        RawPage p = ((SourceRecord.WikiPage) recs.get(0)).page();
        assertEquals(new RawPage(10, 0, "София", false, "'''София''' е столицата & най-големият град."), p);
        assertEquals(1, ((SourceRecord.WikiPage) recs.get(1)).page().ns());
        assertTrue(((SourceRecord.WikiPage) recs.get(2)).page().redirect());
    }

    @Test
    void malformedPageIsRejectedAndTheRestIsRead() throws IOException {
        String broken = "  <page>\n    <title>Счупена</title>\n    <ns>0</ns>\n    <id>7</id>\n"
                + "    <revision><text xml:space=\"preserve\">текст</txet></revision>\n  </page>\n";
        List<String> pages = new ArrayList<>(TestDumps.articles(1, 3));
        pages.add(broken);
        pages.addAll(TestDumps.articles(4, 6));
        List<SourceRecord> recs = read(TestDumps.writeXml(dir.resolve("d.xml"), TestDumps.dump(pages)), null,
                1 << 20, 1);
        assertEquals(List.of("Статия 1", "Статия 2", "Статия 3", "REJECT:malformed_xml", "Статия 4", "Статия 5",
                "Статия 6"), titles(recs));
        Reject r = ((SourceRecord.Rejected) recs.get(3)).reject();
        assertEquals(7L, r.pageId());
        assertEquals("Счупена", r.title());
        assertTrue(r.detail().contains("malformed XML"), r.detail());
    }

    @Test
    void unterminatedPageDoesNotSwallowTheNextOne() throws IOException {
        String unterminated = "  <page>\n    <title>Без край</title>\n    <ns>0</ns>\n    <id>8</id>\n"
                + "    <revision><text xml:space=\"preserve\">текст</text></revision>\n";
        List<String> pages = new ArrayList<>(TestDumps.articles(1, 1));
        pages.add(unterminated);
        pages.addAll(TestDumps.articles(2, 2));
        List<SourceRecord> recs = read(TestDumps.writeXml(dir.resolve("d.xml"), TestDumps.dump(pages)), null,
                1 << 20, 1);
        assertEquals(List.of("Статия 1", "REJECT:malformed_xml", "Статия 2"), titles(recs));
        assertEquals("Без край", ((SourceRecord.Rejected) recs.get(1)).reject().title());
        // the last page without </page> is rejected too; the dump is complete (</mediawiki> is there)
        List<String> last = new ArrayList<>(TestDumps.articles(1, 2));
        last.add(unterminated);
        List<SourceRecord> recs2 = read(TestDumps.writeXml(dir.resolve("d2.xml"), TestDumps.dump(last)), null,
                1 << 20, 1);
        assertEquals(List.of("Статия 1", "Статия 2", "REJECT:malformed_xml"), titles(recs2));
    }

    @Test
    void pageAboveTheCapIsRejectedWithItsTitleAndId() throws IOException {
        String big = TestDumps.page(99, 0, "Огромна", "дълъг текст ".repeat(2000), false);
        List<String> pages = new ArrayList<>(TestDumps.articles(1, 2));
        pages.add(big);
        pages.addAll(TestDumps.articles(3, 4));
        List<SourceRecord> recs = read(TestDumps.writeXml(dir.resolve("d.xml"), TestDumps.dump(pages)), null,
                8 * 1024, 1);
        assertEquals(List.of("Статия 1", "Статия 2", "REJECT:page_too_large", "Статия 3", "Статия 4"),
                titles(recs));
        Reject r = ((SourceRecord.Rejected) recs.get(2)).reject();
        assertEquals(99L, r.pageId());
        assertEquals("Огромна", r.title());
        assertTrue(r.detail().contains("above --max-page-bytes"), r.detail());
    }

    @Test
    void byteRangesOfAPlainDumpGiveEveryPageExactlyOnce() throws IOException {
        String xml = TestDumps.dump(TestDumps.articles(1, 400));
        Path file = TestDumps.writeXml(dir.resolve("d.xml"), xml);
        InputPlanner planner = new InputPlanner(conf);
        ResolvedInput in = planner.resolve(List.of(file.toString()), InputFormat.AUTO, List.of()).get(0);
        int ranges = planner.splits(in, 2).size();
        assertTrue(ranges >= 3, "the file (" + in.bytes() + " bytes) is cut into several ranges: " + ranges);
        assertEquals(titles(read(file, null, 1 << 20, 1)).size(), 400);
        assertEquals(titles(read(file, null, 1 << 20, 1)), titles(read(file, null, 1 << 20, 2)));
    }

    @Test
    void multistreamRangesGiveTheSamePagesAsTheSingleStreamFile() throws IOException {
        List<String> pages = TestDumps.articles(1, 250);
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (long i = 1; i <= 250; i++) {
            ids.add(i);
            names.add("Статия " + i);
        }
        Path multi = dir.resolve("bgwiki-test-multistream.xml.bz2");
        Path index = dir.resolve("bgwiki-test-multistream-index.txt.bz2");
        TestDumps.writeMultistream(multi, index, pages, ids, names, 10);
        Path single = TestDumps.writeBz2(dir.resolve("single.xml.bz2"), TestDumps.dump(pages));

        InputPlanner planner = new InputPlanner(conf);
        ResolvedInput in = planner.resolve(List.of(multi.toString()), InputFormat.AUTO, List.of(index.toString()))
                .get(0);
        assertEquals(index.toUri().toString().replace("file:///", "file:/"), in.indexPath());
        List<DumpSplit> splits = planner.splits(in, 2);
        assertTrue(splits.size() >= 4, "several ranges of whole streams: " + splits.size());
        assertEquals(0, splits.get(0).start());
        assertEquals(in.bytes(), splits.get(splits.size() - 1).end());

        List<String> fromIndex = titles(read(multi, index.toString(), 1 << 20, 2));
        assertEquals(250, fromIndex.size());
        assertEquals(titles(read(single, null, 1 << 20, 1)), fromIndex);
        // without the index the concatenated streams are all decoded too (none silently lost)
        assertEquals(fromIndex, titles(read(multi, null, 1 << 20, 1)));
    }

    @Test
    void utf16WithBomReadsLikeUtf8() throws IOException {
        String xml = TestDumps.dump(TestDumps.articles(1, 5)).replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
        for (String cs : List.of("UTF-16LE", "UTF-16BE")) {
            Path f = dir.resolve("d-" + cs + ".xml");
            try (OutputStream out = Files.newOutputStream(f)) {
                out.write(cs.equals("UTF-16LE") ? new byte[]{(byte) 0xFF, (byte) 0xFE} : new byte[]{(byte) 0xFE, (byte) 0xFF});
                out.write(xml.getBytes(cs));
            }
            List<SourceRecord> recs = read(f, null, 1 << 20, 2);
            assertEquals(List.of("Статия 1", "Статия 2", "Статия 3", "Статия 4", "Статия 5"), titles(recs), cs);
            RawPage p = ((SourceRecord.WikiPage) recs.get(0)).page();
            assertTrue(p.text().startsWith("'''Статия 1''' е "), p.text());
        }
    }

    @Test
    void truncatedBz2IsAClearErrorNamingFileAndOffset() throws IOException {
        // small bz2 blocks (100k), like a real dump has many: the cut falls after some pages were read
        byte[] full = TestDumps.bz2(TestDumps.dump(TestDumps.articles(1, 600)), 1);
        Path f = dir.resolve("cut.xml.bz2");
        Files.write(f, Arrays.copyOf(full, full.length * 2 / 3));
        DumpReadException e = assertThrows(DumpReadException.class, () -> read(f, null, 1 << 20, 1));
        assertTrue(e.getMessage().contains("cut.xml.bz2"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*compressed byte ~\\d+ of " + Files.size(f) + ".*"), e.getMessage());
    }

    @Test
    void plainDumpCutInsideAPageIsAClearError() throws IOException {
        String xml = TestDumps.dump(TestDumps.articles(1, 20));
        Path f = TestDumps.writeXml(dir.resolve("cut.xml"), xml.substring(0, xml.length() / 2));
        DumpReadException e = assertThrows(DumpReadException.class, () -> read(f, null, 1 << 20, 1));
        assertTrue(e.getMessage().contains("cut.xml") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void dumpWithoutClosingRootIsTruncated() throws IOException {
        String xml = TestDumps.dump(TestDumps.articles(1, 3)).replace(TestDumps.FOOTER, "");
        Path f = TestDumps.writeXml(dir.resolve("noend.xml"), xml);
        DumpReadException e = assertThrows(DumpReadException.class, () -> read(f, null, 1 << 20, 1));
        assertTrue(e.getMessage().contains("without </mediawiki>"), e.getMessage());
    }

    @Test
    void emptyDumpsAreClearErrors() throws IOException {
        Path zero = Files.write(dir.resolve("zero.xml.bz2"), new byte[0]);
        DumpReadException e1 = assertThrows(DumpReadException.class, () -> read(zero, null, 1 << 20, 1));
        assertTrue(e1.getMessage().contains("empty"), e1.getMessage());
        Path emptyBz2 = TestDumps.writeBz2(dir.resolve("nothing.xml.bz2"), "");
        DumpReadException e2 = assertThrows(DumpReadException.class, () -> read(emptyBz2, null, 1 << 20, 1));
        assertTrue(e2.getMessage().contains("empty"), e2.getMessage());
        // a valid export without pages reads as zero records (the job reports it, see PrepareJobTest)
        Path noPages = TestDumps.writeXml(dir.resolve("nopages.xml"), TestDumps.dump(List.of()));
        assertEquals(List.of(), read(noPages, null, 1 << 20, 1));
    }

    @Test
    void indexOfAnotherDumpIsRefused() throws IOException {
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (long i = 1; i <= 200; i++) {
            ids.add(i);
            names.add("Статия " + i);
        }
        Path multi = dir.resolve("a-multistream.xml.bz2");
        Path index = dir.resolve("a-multistream-index.txt.bz2");
        TestDumps.writeMultistream(multi, index, TestDumps.articles(1, 200), ids, names, 10);
        Path other = dir.resolve("b-multistream.xml.bz2");
        Path otherIndex = dir.resolve("b-multistream-index.txt.bz2");
        TestDumps.writeMultistream(other, otherIndex, TestDumps.articles(1001, 1200), ids, names, 7);
        Files.move(otherIndex, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        DumpReadException e = assertThrows(DumpReadException.class, () -> read(multi, index.toString(), 1 << 20, 2));
        assertTrue(e.getMessage().contains("index") && e.getMessage().contains("a-multistream.xml.bz2"),
                e.getMessage());
        // an index pointing past the end of the dump is refused when planning
        Files.write(index, TestDumps.bz2("99999999:1:Статия 1\n"));
        DumpReadException e2 = assertThrows(DumpReadException.class, () -> read(multi, index.toString(), 1 << 20, 2));
        assertTrue(e2.getMessage().contains("belongs to another dump"), e2.getMessage());
    }

    @Test
    void encodingDetection() {
        byte[] utf8 = "<?xml version=\"1.0\"?><a/>".getBytes(StandardCharsets.UTF_8);
        assertEquals(new XmlEncoding(StandardCharsets.UTF_8, 0), XmlEncoding.detect(utf8, utf8.length));
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '<'};
        assertEquals(new XmlEncoding(StandardCharsets.UTF_8, 3), XmlEncoding.detect(bom, 4));
        byte[] le = "<?xml".getBytes(StandardCharsets.UTF_16LE);
        assertEquals(new XmlEncoding(StandardCharsets.UTF_16LE, 0), XmlEncoding.detect(le, le.length));
        byte[] latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>".getBytes(StandardCharsets.US_ASCII);
        assertEquals(StandardCharsets.ISO_8859_1, XmlEncoding.detect(latin, latin.length).charset());
        assertNull(null);
    }

    @Test
    void jsonlLineLongerThanTheCapIsABadRowWithItsOffsetAndReadingGoesOn() throws IOException {
        // a valid row, a 300 KiB row (valid JSON, but above the 64 KiB cap: never held whole), a valid row;
        // the long line is the last one without a newline in a second file
        String first = "{\"id\": 1, \"title\": \"Първа\", \"text\": \"Кратък текст.\"}\n";
        String huge = "{\"id\": 2, \"title\": \"Дълга\", \"text\": \"" + "я".repeat(150 * 1024) + "\"}\n";
        String last = "{\"id\": 3, \"title\": \"Последна\", \"text\": \"Край.\"}\n";
        Path js = Files.writeString(dir.resolve("rows.jsonl"), first + huge + last, StandardCharsets.UTF_8);
        List<SourceRecord> recs = read(js, null, 64 << 10, 1);
        assertEquals(3, recs.size());
        assertEquals(1, ((SourceRecord.PlainArticle) recs.get(0)).pageId());
        Reject r = ((SourceRecord.Rejected) recs.get(1)).reject();
        assertEquals(Reasons.BAD_ROW, r.reason());
        int offset = first.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(r.detail().startsWith("line 2 (byte " + offset + "): longer than 65536 bytes"), r.detail());
        assertEquals(3, ((SourceRecord.PlainArticle) recs.get(2)).pageId());

        Path unterminated = Files.writeString(dir.resolve("tail.jsonl"), first + huge.strip(), StandardCharsets.UTF_8);
        List<SourceRecord> tail = read(unterminated, null, 64 << 10, 1);
        assertEquals(2, tail.size());
        assertTrue(((SourceRecord.Rejected) tail.get(1)).reject().detail().startsWith("line 2 (byte " + offset
                + "): longer than 65536 bytes"), tail.toString().substring(0, 200));
    }
}
