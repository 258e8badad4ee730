package org.bg2vec.prepare;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the pages of an XML dump split: {@link PageScanner} cuts {@code <page>} fragments, {@link PageParser}
 * parses each on its own. Over-cap, unterminated and malformed pages become rejects; a truncated or empty
 * dump is a {@link DumpReadException}.
 */
public final class XmlPageReader implements RecordReader {

    private static final Pattern TITLE = Pattern.compile("<title>([^<]*)</title>");
    private static final Pattern ID = Pattern.compile("<id>\\s*(\\d{1,18})\\s*</id>");

    private final DumpSplit split;
    private final SplitInput input;
    private final PageScanner scanner;
    private final PageParser parser = new PageParser();
    private long pages;

    public XmlPageReader(DumpSplit split, SplitInput input, long maxPageBytes) {
        this.split = split;
        this.input = input;
        long base = split.kind() == DumpSplit.Kind.XML_RANGE ? split.start() : 0;
        long stopAt = split.kind() == DumpSplit.Kind.XML_RANGE ? split.end() : Long.MAX_VALUE;
        this.scanner = new PageScanner(input.utf8(), base, stopAt, maxPageBytes);
    }

    @Override
    public SourceRecord next() throws IOException {
        ScannedPage sp;
        try {
            sp = scanner.next();
        } catch (EOFException e) {
            throw new DumpReadException(split.path() + ": the dump is truncated: " + e.getMessage() + ", near "
                    + input.position() + ". Re-download the file and check it against the dump's checksums.", e);
        }
        if (sp == null) {
            checkEnd();
            return null;
        }
        pages++;
        String where = "page at " + offsetDescription(sp.offset());
        return switch (sp.status()) {
            case TOO_LARGE -> new SourceRecord.Rejected(reject(sp.xml(), Reasons.PAGE_TOO_LARGE,
                    where + " is " + sp.size() + " bytes, above --max-page-bytes"));
            case UNTERMINATED -> new SourceRecord.Rejected(reject(sp.xml(), Reasons.MALFORMED_XML,
                    where + " has no </page> before the next <page> or </mediawiki>"));
            case COMPLETE -> parse(sp, where);
        };
    }

    private SourceRecord parse(ScannedPage sp, String where) {
        try {
            RawPage page = parser.parse(sp.xml());
            if (page.ns() == null) {
                return new SourceRecord.Rejected(reject(sp.xml(), Reasons.MISSING_NS,
                        where + " has no <ns> element (dumps older than MediaWiki 1.16 are not supported)"));
            }
            if (!SampleIds.validPageId(page.id())) {
                return new SourceRecord.Rejected(reject(sp.xml(), Reasons.MALFORMED_XML,
                        where + " has no valid <id> (got " + page.id() + ")"));
            }
            return new SourceRecord.WikiPage(page);
        } catch (MalformedPageException e) {
            return new SourceRecord.Rejected(reject(sp.xml(), Reasons.MALFORMED_XML, where + ": " + e.getMessage()));
        }
    }

    /** A split that reaches the end of its file must have seen the root element close. */
    private void checkEnd() {
        if (!split.atEnd() || scanner.sawRootClose()) {
            return;
        }
        if (!scanner.sawAnyMarkup() && pages == 0 && split.start() == 0) {
            throw new DumpReadException(split.path() + ": the dump is empty (no XML in it). Check the download.");
        }
        throw new DumpReadException(split.path() + ": the dump ends without </mediawiki> near " + input.position()
                + ": the file is truncated (or not a MediaWiki export). Re-download it and check its checksum.");
    }

    private String offsetDescription(long offset) {
        return switch (split.kind()) {
            case XML_RANGE -> "byte " + offset;
            case WHOLE -> split.compression() == Compression.NONE && split.charset().equals("UTF-8")
                    ? "byte " + offset : "decompressed UTF-8 byte " + offset;
            case BZ2_STREAMS -> "decompressed byte " + offset + " of the bz2 streams at " + split.start();
        };
    }

    private Reject reject(byte[] head, String reason, String detail) {
        String text = head == null ? "" : new String(head, StandardCharsets.UTF_8);
        Matcher t = TITLE.matcher(text);
        String title = t.find() ? unescape(t.group(1)) : null;
        Matcher i = ID.matcher(text);
        Long id = i.find() ? Long.parseLong(i.group(1)) : null;
        return new Reject(id, title, split.path(), reason, detail);
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#039;", "'").replace("&apos;", "'").replace("&amp;", "&");
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
