package org.bg2vec.text;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: reads the bundled sample export page by page (each {@code <page>…</page>} parsed on its own
 * with StAX, so one malformed page does not stop the others).
 */
final class SamplePages {

    static final Path SAMPLE_XML = Path.of("data-prep/sample/bgwiki-sample-pages-articles.xml");

    /** One parsed page. */
    record Page(long id, int ns, String title, String redirect, String text) {
    }

    /** Pages whose XML did not parse: the page id (from a text search) and the parser's message. */
    record Failure(long id, String message) {
    }

    final List<Page> pages = new ArrayList<>();
    final List<Failure> failures = new ArrayList<>();

    private static final Pattern ID = Pattern.compile("<id>(\\d+)</id>");

    static SamplePages load() throws IOException {
        String xml = Files.readString(SAMPLE_XML, StandardCharsets.UTF_8);
        SamplePages result = new SamplePages();
        XMLInputFactory factory = XMLInputFactory.newFactory();
        int from = 0;
        while (true) {
            int start = xml.indexOf("<page>", from);
            if (start < 0) {
                break;
            }
            int end = xml.indexOf("</page>", start);
            String chunk = xml.substring(start, end + "</page>".length());
            from = end;
            try {
                result.pages.add(parse(factory, chunk));
            } catch (XMLStreamException e) {
                Matcher m = ID.matcher(chunk);
                result.failures.add(new Failure(m.find() ? Long.parseLong(m.group(1)) : -1, e.getMessage()));
            }
        }
        return result;
    }

    /** The number of page sources ({@code data-prep/sample/pages/*.wiki}) the export is built from. */
    static long sourceCount() throws IOException {
        try (var files = Files.list(Path.of("data-prep/sample/pages"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".wiki")).count();
        }
    }

    Page byId(long id) {
        return pages.stream().filter(p -> p.id() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no page " + id + " in " + SAMPLE_XML));
    }

    /** Namespace-0 pages that are neither redirects nor empty (what the prepare job cleans). */
    List<Page> articles() {
        List<Page> list = new ArrayList<>();
        for (Page p : pages) {
            String t = p.text().stripLeading().toLowerCase();
            boolean redirect = p.redirect() != null || t.startsWith("#redirect") || t.startsWith("#пренасочване");
            if (p.ns() == 0 && !redirect && !p.text().isBlank()) {
                list.add(p);
            }
        }
        return list;
    }

    private static Page parse(XMLInputFactory factory, String chunk) throws XMLStreamException {
        XMLStreamReader r = factory.createXMLStreamReader(new StringReader(chunk));
        long id = -1;
        int ns = -1;
        String title = null;
        String redirect = null;
        String text = "";
        int depth = 0;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                depth++;
                switch (r.getLocalName()) {
                    case "title" -> title = r.getElementText();
                    case "ns" -> ns = Integer.parseInt(r.getElementText().trim());
                    case "id" -> {
                        String v = r.getElementText().trim();
                        if (depth == 2) {
                            id = Long.parseLong(v);
                        }
                    }
                    case "redirect" -> redirect = r.getAttributeValue(null, "title");
                    case "text" -> text = r.getElementText();
                    default -> {
                    }
                }
                if (!r.isEndElement()) {
                    continue;
                }
                depth--;
            } else if (ev == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        return new Page(id, ns, title, redirect, text);
    }
}
