package org.bg2vec.prepare;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The encoding of an XML document from its first bytes: a byte-order mark, else the byte pattern of
 * {@code <?xml} (UTF-16 without BOM), else the prolog's {@code encoding="..."}, else UTF-8 (XML 1.0, Appendix F).
 *
 * @param charset   the document's encoding
 * @param bomLength bytes of byte-order mark to skip (0 when none)
 */
public record XmlEncoding(Charset charset, int bomLength) {

    private static final Pattern DECLARED = Pattern.compile("^<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._-]+)[\"']");

    /** Whether the bytes after the BOM can be scanned as UTF-8 directly. */
    public boolean isUtf8() {
        return charset.equals(StandardCharsets.UTF_8);
    }

    /**
     * Detects the encoding from the document's first bytes (pass at least 128 when the file has that many).
     *
     * @throws IllegalArgumentException when the prolog names an encoding this JVM does not know
     */
    public static XmlEncoding detect(byte[] head, int length) {
        int b0 = length > 0 ? head[0] & 0xff : -1;
        int b1 = length > 1 ? head[1] & 0xff : -1;
        int b2 = length > 2 ? head[2] & 0xff : -1;
        int b3 = length > 3 ? head[3] & 0xff : -1;
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            return new XmlEncoding(StandardCharsets.UTF_8, 3);
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            return new XmlEncoding(StandardCharsets.UTF_16BE, 2);
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            return new XmlEncoding(StandardCharsets.UTF_16LE, 2);
        }
        if (b0 == 0x00 && b1 == 0x3C && b2 == 0x00 && b3 == 0x3F) {
            return new XmlEncoding(StandardCharsets.UTF_16BE, 0);
        }
        if (b0 == 0x3C && b1 == 0x00 && b2 == 0x3F && b3 == 0x00) {
            return new XmlEncoding(StandardCharsets.UTF_16LE, 0);
        }
        String prolog = new String(head, 0, Math.min(length, 200), StandardCharsets.ISO_8859_1);
        Matcher m = DECLARED.matcher(prolog);
        if (m.find()) {
            String name = m.group(1);
            try {
                Charset cs = Charset.forName(name);
                if (cs.name().startsWith("UTF-16") || cs.name().startsWith("UTF-32")) {
                    // declared 16/32-bit but the bytes are ASCII-compatible: the declaration is wrong
                    throw new IllegalArgumentException("the XML prolog declares encoding=\"" + name
                            + "\" but the file has no byte-order mark and its bytes are 8-bit");
                }
                return new XmlEncoding(cs, 0);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new IllegalArgumentException("the XML prolog declares encoding=\"" + name
                        + "\", which this JVM does not support", e);
            }
        }
        return new XmlEncoding(StandardCharsets.UTF_8, 0);
    }
}
