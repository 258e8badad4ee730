package org.bg2vec.text;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled sample files are consistent: compressed copies, multistream layout, index and byte counts. */
class SampleFilesTest {

    private static final Path DIR = Path.of("data-prep/sample");
    private static final Pattern PAGE_ID = Pattern.compile("<page>\\s*<title>[^<]*</title>\\s*<ns>-?\\d+</ns>\\s*<id>(\\d+)</id>");

    @Test
    void singleStreamBz2DecodesToTheXml() throws IOException {
        byte[] xml = Files.readAllBytes(DIR.resolve("bgwiki-sample-pages-articles.xml"));
        assertEquals(new String(xml, StandardCharsets.UTF_8), decode(read("bgwiki-sample-pages-articles.xml.bz2"), true));
    }

    @Test
    void multistreamDecodesToTheXmlOnlyWithConcatenatedStreams() throws IOException {
        String xml = Files.readString(DIR.resolve("bgwiki-sample-pages-articles.xml"));
        byte[] multi = read("bgwiki-sample-pages-articles-multistream.xml.bz2");
        assertEquals(xml, decode(multi, true));
        // the trap the prepare job must avoid: without concatenation only the header stream is read
        String firstStream = decode(multi, false);
        assertEquals(xml.substring(0, xml.indexOf("  <page>")), firstStream);
    }

    @Test
    void indexPointsAtTheStreamHoldingEachPage() throws IOException {
        byte[] multi = read("bgwiki-sample-pages-articles-multistream.xml.bz2");
        String xml = Files.readString(DIR.resolve("bgwiki-sample-pages-articles.xml"));
        Map<Long, List<Long>> idsByOffset = new LinkedHashMap<>();
        List<Long> allIds = new ArrayList<>();
        for (String line : decode(read("bgwiki-sample-pages-articles-multistream-index.txt.bz2"), true).split("\n")) {
            String[] f = line.split(":", 3);
            assertEquals(3, f.length, line);
            idsByOffset.computeIfAbsent(Long.parseLong(f[0]), k -> new ArrayList<>()).add(Long.parseLong(f[1]));
            allIds.add(Long.parseLong(f[1]));
            assertTrue(xml.contains("<title>" + f[2] + "</title>"), "title of " + line);
        }
        assertEquals(idsIn(xml), allIds, "index lists every page once, in dump order");
        for (Map.Entry<Long, List<Long>> e : idsByOffset.entrySet()) {
            int offset = Math.toIntExact(e.getKey());
            String stream = decode(java.util.Arrays.copyOfRange(multi, offset, multi.length), false);
            assertEquals(e.getValue(), idsIn(stream), "stream at " + offset);
            assertTrue(e.getValue().size() <= 10);
            assertTrue(stream.startsWith("  <page>") && stream.endsWith("  </page>\n"), "stream at " + offset);
        }
    }

    @Test
    void malformedPageSharesItsStreamWithNoHandCheckedOrArticlePage() throws IOException {
        List<Long> expected = List.of(1001L, 1004L, 1022L, 1025L, 1046L, 1064L, 1085L, 1088L, 1100L, 1112L);
        String index = decode(read("bgwiki-sample-pages-articles-multistream-index.txt.bz2"), true);
        String offset = null;
        for (String line : index.split("\n")) {
            if (line.split(":")[1].equals("1139")) {
                offset = line.split(":")[0];
            }
        }
        SamplePages sample = SamplePages.load();
        List<Long> articleIds = sample.articles().stream().map(SamplePages.Page::id).toList();
        for (String line : index.split("\n")) {
            String[] f = line.split(":");
            if (f[0].equals(offset)) {
                long id = Long.parseLong(f[1]);
                assertFalse(expected.contains(id) || articleIds.contains(id), "page " + id + " shares block with 1139");
            }
        }
    }

    @Test
    void bytesAttributeIsTheUtf8LengthOfTheText() throws IOException {
        String xml = Files.readString(DIR.resolve("bgwiki-sample-pages-articles.xml"));
        SamplePages sample = SamplePages.load();
        Matcher m = Pattern.compile("<id>(\\d+)</id>\\s*(?:<redirect[^>]*>\\s*)?<revision>.*?<text bytes=\"(\\d+)\"",
                Pattern.DOTALL).matcher(xml);
        int checked = 0;
        while (m.find()) {
            long id = Long.parseLong(m.group(1));
            if (id == 1139) {
                continue;
            }
            assertEquals(Integer.parseInt(m.group(2)),
                    sample.byId(id).text().getBytes(StandardCharsets.UTF_8).length, "page " + id);
            checked++;
        }
        assertEquals(SamplePages.sourceCount() - 1, checked, "every page but the malformed one");
    }

    private static List<Long> idsIn(String xml) {
        List<Long> ids = new ArrayList<>();
        Matcher m = PAGE_ID.matcher(xml);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }

    private static byte[] read(String name) throws IOException {
        return Files.readAllBytes(DIR.resolve(name));
    }

    private static String decode(byte[] bz2, boolean concatenated) throws IOException {
        try (InputStream in = new BZip2CompressorInputStream(new ByteArrayInputStream(bz2), concatenated)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
