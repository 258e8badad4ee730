package org.bg2vec.text;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sentence splitter: ICU4J's sentence {@link BreakIterator} for the locale, then a break is undone when
 * the word before it is an abbreviation from the suppression list (whole word, case-insensitive), or an
 * initial (one capital letter and a full stop, as in {@code Т. Г. Влайков}). "в." after a Roman numeral or
 * a number is read as "век" and keeps its break.
 *
 * <p>Known ambiguity: "г." (година) is not suppressed, because it very often ends a sentence. ICU does
 * not break before a lower-case word ("през 2010 г. в София" stays one sentence), but
 * "През 2010 г. Иван ..." is split after "г.".
 *
 * <p>Immutable and thread-safe (each call clones the prototype iterator).
 */
public final class SentenceSplitter {

    /** Classpath location of the Bulgarian list (Maven copies conf/abbreviations-bg.txt there). */
    public static final String BULGARIAN_RESOURCE = "/org/bg2vec/text/abbreviations-bg.txt";

    private static volatile SentenceSplitter bulgarian;

    private final BreakIterator prototype;
    private final Set<String> singleTokens = new HashSet<>();
    private final List<String> multiTokens = new ArrayList<>();

    /**
     * @param locale        locale of ICU's sentence rules
     * @param abbreviations entries such as {@code "проф."}; entries containing a space ({@code "т. нар."})
     *                      are matched as a phrase
     */
    public SentenceSplitter(ULocale locale, Collection<String> abbreviations) {
        this.prototype = BreakIterator.getSentenceInstance(locale);
        for (String a : abbreviations) {
            String key = a.trim().toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                continue;
            }
            if (key.indexOf(' ') >= 0) {
                multiTokens.add(key);
            } else {
                singleTokens.add(key);
            }
        }
    }

    /** The Bulgarian splitter with the bundled list (loaded once). */
    public static SentenceSplitter bulgarian() {
        SentenceSplitter s = bulgarian;
        if (s == null) {
            synchronized (SentenceSplitter.class) {
                s = bulgarian;
                if (s == null) {
                    try (InputStream in = SentenceSplitter.class.getResourceAsStream(BULGARIAN_RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("abbreviation list " + BULGARIAN_RESOURCE
                                    + " is not on the classpath; rebuild the jar (mvn package) so that "
                                    + "conf/abbreviations-bg.txt is packaged");
                        }
                        s = new SentenceSplitter(new ULocale("bg"), readList(in));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + BULGARIAN_RESOURCE, e);
                    }
                    bulgarian = s;
                }
            }
        }
        return s;
    }

    /** Reads a list: one entry per line, blank lines and {@code #} comments ignored. */
    static List<String> readList(InputStream in) throws IOException {
        List<String> entries = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                entries.add(l);
            }
        }
        return entries;
    }

    /** Splits a paragraph into trimmed, non-empty sentences. */
    public List<String> split(String paragraph) {
        List<String> sentences = new ArrayList<>();
        if (paragraph == null || paragraph.isBlank()) {
            return sentences;
        }
        BreakIterator bi = (BreakIterator) prototype.clone();
        bi.setText(paragraph);
        int start = 0;
        for (int b = bi.next(); b != BreakIterator.DONE; b = bi.next()) {
            if (b < paragraph.length() && suppressed(paragraph, b)) {
                continue;
            }
            addTrimmed(paragraph, start, b, sentences);
            start = b;
        }
        if (start < paragraph.length()) {
            addTrimmed(paragraph, start, paragraph.length(), sentences);
        }
        return sentences;
    }

    /** True when the break at {@code b} follows an abbreviation or an initial. */
    private boolean suppressed(String text, int b) {
        int end = b;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end == 0 || text.charAt(end - 1) != '.') {
            return false;
        }
        int tokenStart = end;
        while (tokenStart > 0 && !Character.isWhitespace(text.charAt(tokenStart - 1))) {
            tokenStart--;
        }
        // strip opening punctuation: "(проф." → "проф."
        while (tokenStart < end && !Character.isLetterOrDigit(text.charAt(tokenStart))) {
            tokenStart++;
        }
        String token = text.substring(tokenStart, end);
        if (token.length() == 2 && Character.isUpperCase(token.charAt(0))) {
            return true; // an initial
        }
        String key = token.toLowerCase(Locale.ROOT);
        if (singleTokens.contains(key)) {
            return !(key.equals("в.") && previousTokenIsNumber(text, tokenStart));
        }
        for (String phrase : multiTokens) {
            int s = end - phrase.length();
            if (s >= 0 && text.regionMatches(true, s, phrase, 0, phrase.length())
                    && (s == 0 || !Character.isLetter(text.charAt(s - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** True when the token before {@code tokenStart} is a number or a Roman numeral (a century: "XIX в."). */
    private static boolean previousTokenIsNumber(String text, int tokenStart) {
        int e = tokenStart;
        while (e > 0 && Character.isWhitespace(text.charAt(e - 1))) {
            e--;
        }
        int s = e;
        while (s > 0 && !Character.isWhitespace(text.charAt(s - 1))) {
            s--;
        }
        if (s == e) {
            return false;
        }
        for (int k = s; k < e; k++) {
            char c = text.charAt(k);
            boolean numeral = Character.isDigit(c) || "IVXLCDM–-".indexOf(c) >= 0;
            if (!numeral) {
                return false;
            }
        }
        return true;
    }

    private static void addTrimmed(String text, int start, int end, List<String> out) {
        String s = text.substring(start, end).strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }
}
