package org.bg2vec.text;

import java.util.HashMap;
import java.util.Map;

/** Decodes HTML character references ({@code &amp;}, {@code &#160;}, {@code &#x2014;}) found in wikitext. */
final class HtmlEntities {

    private static final Map<String, String> NAMED = new HashMap<>();

    static {
        String[] pairs = {
            "amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", "\u00A0",
            "ensp", "\u2002", "emsp", "\u2003", "thinsp", "\u2009", "hairsp", "\u200A", "zwsp", "\u200B",
            "zwnj", "\u200C", "zwj", "\u200D", "shy", "\u00AD", "lrm", "\u200E", "rlm", "\u200F",
            "ndash", "\u2013", "mdash", "\u2014", "minus", "\u2212", "hellip", "\u2026", "bull", "\u2022",
            "middot", "\u00B7", "laquo", "\u00AB", "raquo", "\u00BB", "lsquo", "\u2018", "rsquo", "\u2019",
            "sbquo", "\u201A", "ldquo", "\u201C", "rdquo", "\u201D", "bdquo", "\u201E", "prime", "\u2032",
            "Prime", "\u2033", "deg", "\u00B0", "plusmn", "\u00B1", "times", "\u00D7", "divide", "\u00F7",
            "frac12", "\u00BD", "frac14", "\u00BC", "frac34", "\u00BE", "sup1", "\u00B9", "sup2", "\u00B2",
            "sup3", "\u00B3", "micro", "\u00B5", "para", "\u00B6", "sect", "\u00A7", "copy", "\u00A9",
            "reg", "\u00AE", "trade", "\u2122", "euro", "\u20AC", "pound", "\u00A3", "yen", "\u00A5",
            "cent", "\u00A2", "curren", "\u00A4", "larr", "\u2190", "rarr", "\u2192", "uarr", "\u2191",
            "darr", "\u2193", "harr", "\u2194", "le", "\u2264", "ge", "\u2265", "ne", "\u2260",
            "asymp", "\u2248", "equiv", "\u2261", "infin", "\u221E", "sum", "\u2211", "prod", "\u220F",
            "radic", "\u221A", "part", "\u2202", "int", "\u222B", "alpha", "\u03B1", "beta", "\u03B2",
            "gamma", "\u03B3", "delta", "\u03B4", "epsilon", "\u03B5", "lambda", "\u03BB", "mu", "\u03BC",
            "pi", "\u03C0", "sigma", "\u03C3", "omega", "\u03C9", "Omega", "\u03A9", "Delta", "\u0394",
            "theta", "\u03B8", "phi", "\u03C6", "iexcl", "\u00A1", "iquest", "\u00BF", "ordm", "\u00BA",
            "ordf", "\u00AA", "dagger", "\u2020", "Dagger", "\u2021", "permil", "\u2030", "loz", "\u25CA",
            "acute", "\u00B4", "uml", "\u00A8", "cedil", "\u00B8", "macr", "\u00AF", "not", "\u00AC",
            "brvbar", "\u00A6", "aacute", "\u00E1", "eacute", "\u00E9", "iacute", "\u00ED", "oacute", "\u00F3",
            "uacute", "\u00FA", "agrave", "\u00E0", "egrave", "\u00E8", "auml", "\u00E4", "ouml", "\u00F6",
            "uuml", "\u00FC", "Auml", "\u00C4", "Ouml", "\u00D6", "Uuml", "\u00DC", "szlig", "\u00DF",
            "ccedil", "\u00E7", "ntilde", "\u00F1", "oslash", "\u00F8", "aring", "\u00E5", "aelig", "\u00E6",
            "Eacute", "\u00C9", "ecirc", "\u00EA", "ocirc", "\u00F4", "acirc", "\u00E2", "icirc", "\u00EE",
        };
        for (int k = 0; k < pairs.length; k += 2) {
            NAMED.put(pairs[k], pairs[k + 1]);
        }
    }

    private HtmlEntities() {
    }

    /**
     * Decodes the character reference starting with {@code '&'} at {@code i} into {@code out}.
     *
     * @return the index after the reference, or -1 when there is no valid reference at {@code i}
     *         (nothing is appended then)
     */
    static int decode(CharSequence text, int i, int end, StringBuilder out) {
        int limit = Math.min(end, i + 34);
        int j = i + 1;
        if (j < limit && text.charAt(j) == '#') {
            j++;
            int radix = 10;
            if (j < limit && (text.charAt(j) == 'x' || text.charAt(j) == 'X')) {
                radix = 16;
                j++;
            }
            int digitsStart = j;
            long value = 0;
            while (j < limit && Character.digit(text.charAt(j), radix) >= 0) {
                value = value * radix + Character.digit(text.charAt(j), radix);
                if (value > Character.MAX_CODE_POINT) {
                    return -1;
                }
                j++;
            }
            if (j == digitsStart || j >= limit || text.charAt(j) != ';' || !Character.isValidCodePoint((int) value)
                    || (value >= 0xD800 && value <= 0xDFFF) || value == 0) {
                return -1;
            }
            out.appendCodePoint((int) value);
            return j + 1;
        }
        int nameStart = j;
        while (j < limit && isAsciiLetterOrDigit(text.charAt(j))) {
            j++;
        }
        if (j == nameStart || j >= limit || text.charAt(j) != ';') {
            return -1;
        }
        String value = NAMED.get(text.subSequence(nameStart, j).toString());
        if (value == null) {
            return -1;
        }
        out.append(value);
        return j + 1;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
