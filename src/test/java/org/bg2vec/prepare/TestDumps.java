package org.bg2vec.prepare;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds small MediaWiki exports (real layout: siteinfo with Bulgarian namespaces) for tests. */
public final class TestDumps {

    public static final String HEADER = """
            <mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="0.11" xml:lang="bg">
              <siteinfo>
                <sitename>Уикипедия</sitename>
                <dbname>bgwiki</dbname>
                <base>https://bg.wikipedia.org/wiki/Начална_страница</base>
                <generator>MediaWiki 1.43.0-wmf.1</generator>
                <case>first-letter</case>
                <namespaces>
                  <namespace key="0" case="first-letter" />
                  <namespace key="1" case="first-letter">Беседа</namespace>
                  <namespace key="4" case="first-letter">Уикипедия</namespace>
                  <namespace key="6" case="first-letter">Файл</namespace>
                  <namespace key="14" case="first-letter">Категория</namespace>
                </namespaces>
              </siteinfo>
            """;
    public static final String FOOTER = "</mediawiki>\n";

    private TestDumps() {
    }

    /** One page element. */
    public static String page(long id, int ns, String title, String text, boolean redirectElement) {
        return "  <page>\n"
                + "    <title>" + esc(title) + "</title>\n"
                + "    <ns>" + ns + "</ns>\n"
                + "    <id>" + id + "</id>\n"
                + (redirectElement ? "    <redirect title=\"Цел\" />\n" : "")
                + "    <revision>\n"
                + "      <id>" + (1000 + id) + "</id>\n"
                + "      <timestamp>2024-01-01T00:00:00Z</timestamp>\n"
                + "      <contributor><username>Тест</username><id>1</id></contributor>\n"
                + "      <model>wikitext</model>\n"
                + "      <format>text/x-wiki</format>\n"
                + "      <text bytes=\"" + text.getBytes(StandardCharsets.UTF_8).length
                + "\" xml:space=\"preserve\">" + esc(text) + "</text>\n"
                + "      <sha1>abc</sha1>\n"
                + "    </revision>\n"
                + "  </page>\n";
    }

    /** An ordinary article with a lead sentence unique to {@code id}. */
    public static String article(long id) {
        String[] topics = {"река", "планина", "град", "музикант", "химичен елемент", "роман", "остров", "битка"};
        String topic = topics[(int) (id % topics.length)];
        String text = "'''Статия " + id + "''' е " + topic + " в [[България|Република България]], описан под номер "
                + id + " в справочника.{{Факти|дата=2020}}\n\n"
                + "== История ==\nПрез " + (1800 + id) + " г. " + topic + "та е спомената за първи път в летопис"
                + " на местния манастир.<ref>Иванов, с. " + id + ".</ref> По-късно там е построен мост.\n\n"
                + "== Източници ==\n* Иванов, И. История. София, 1990.\n";
        return page(id, 0, "Статия " + id, text, false);
    }

    /** A dump of {@code pages} page elements. */
    public static String dump(List<String> pages) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").append(HEADER);
        pages.forEach(b::append);
        return b.append(FOOTER).toString();
    }

    /** Articles with ids {@code from..to} (inclusive). */
    public static List<String> articles(long from, long to) {
        List<String> out = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            out.add(article(id));
        }
        return out;
    }

    public static Path writeXml(Path file, String xml) throws IOException {
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        return file;
    }

    /** A single-stream bz2 file. */
    public static Path writeBz2(Path file, String xml) throws IOException {
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(file))) {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    /**
     * A multistream dump as Wikimedia writes it: the header in its own bz2 stream, then {@code perStream} pages per
     * stream, then the footer in its own stream; plus the index ({@code offset:id:title} per page).
     */
    public static void writeMultistream(Path dump, Path index, List<String> pages, List<Long> ids,
                                        List<String> titles, int perStream) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        StringBuilder idx = new StringBuilder();
        all.write(bz2(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + HEADER)));
        for (int i = 0; i < pages.size(); i += perStream) {
            long offset = all.size();
            StringBuilder chunk = new StringBuilder();
            for (int k = i; k < Math.min(pages.size(), i + perStream); k++) {
                chunk.append(pages.get(k));
                idx.append(offset).append(':').append(ids.get(k)).append(':').append(titles.get(k)).append('\n');
            }
            all.write(bz2(chunk.toString()));
        }
        all.write(bz2(FOOTER));
        Files.write(dump, all.toByteArray());
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(index))) {
            out.write(idx.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    public static byte[] bz2(String s) throws IOException {
        return bz2(s, 9);
    }

    /** bz2 with a block size of {@code blockSize} × 100k. */
    public static byte[] bz2(String s, int blockSize) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new BZip2CompressorOutputStream(b, blockSize)) {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
