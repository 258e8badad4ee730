package org.bg2vec.prepare;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;

/**
 * Parses one {@code <page>…</page>} fragment (UTF-8 bytes from {@link PageScanner}) into a {@link RawPage}: the
 * usual page by {@link PageBytesParser} straight from the bytes, any other (comments, CDATA, unknown entities,
 * malformed XML, …) with StAX, which is the reference for both. Any XML error is a {@link MalformedPageException}
 * for this page only. Not thread-safe (one per task).
 */
public final class PageParser {

    private final XMLInputFactory factory;
    private final PageBytesParser bytes = new PageBytesParser();

    public PageParser() {
        factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    /** Parses the fragment; the title found so far is kept in the exception message when parsing fails. */
    public RawPage parse(byte[] fragment) throws MalformedPageException {
        RawPage page = bytes.parse(fragment);
        if (page == null) {
            page = parseWithStax(fragment);
        }
        if (page.title() == null) {
            throw new MalformedPageException("page without <title>");
        }
        return page;
    }

    /** The StAX parse (title null when the page has none). */
    RawPage parseWithStax(byte[] fragment) throws MalformedPageException {
        long id = -1;
        Integer ns = null;
        String title = null;
        boolean redirect = false;
        String text = "";
        XMLStreamReader r = null;
        try {
            r = factory.createXMLStreamReader(new ByteArrayInputStream(fragment), "UTF-8");
            int depth = 0;
            boolean inRevision = false;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    String name = r.getLocalName();
                    if (depth == 2) {
                        switch (name) {
                            case "title" -> { title = r.getElementText(); depth--; }
                            case "ns" -> { ns = parseInt(r.getElementText(), "ns"); depth--; }
                            case "id" -> { id = parseLong(r.getElementText(), "id"); depth--; }
                            case "redirect" -> redirect = true;
                            case "revision" -> inRevision = true;
                            default -> { }
                        }
                    } else if (depth == 3 && inRevision && name.equals("text")) {
                        text = r.getElementText();
                        depth--;
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                    if (depth == 1) {
                        inRevision = false;
                    }
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            String where = title == null ? "" : " (title so far: " + title + ")";
            throw new MalformedPageException("malformed XML: " + oneLine(e.getMessage()) + where, e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release for an in-memory fragment
                }
            }
        }
        return new RawPage(id, ns, title, redirect, text);
    }

    private static int parseInt(String s, String what) throws MalformedPageException {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new MalformedPageException("<" + what + "> is not a number: '" + s + "'");
        }
    }

    private static long parseLong(String s, String what) throws MalformedPageException {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new MalformedPageException("<" + what + "> is not a number: '" + s + "'");
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
