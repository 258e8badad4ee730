package org.bg2vec.text;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Garbage and unbalanced markup never throws or loops; well-formed markup never leaves leftovers. */
class CleanerRobustnessTest {

    private static final String[] PIECES = {
        "{{", "}}", "{{{", "}}}", "[[", "]]", "[", "]", "{|", "|}", "|", "\n", "\n\n", "'''", "''", "<ref>",
        "</ref>", "<ref name=a/>", "<!--", "-->", "<math>", "</math>", "<nowiki>", "</nowiki>", "&amp;", "&#x41;",
        "&", "&#99999999;", "==", "= Заглавие =", "\n== Източници ==\n", "* ", "#", ":", ";", "__NOTOC__", "__",
        "<", ">", "<span", "\"", "[[Файл:", "[[Категория:", "[[en:", "http://x.bg", "[http://x.bg заглавие]",
        "София", " е ", "град", ".", " ", "\u00AD", "\u0301", "<br/>", "</div>", "<table>", "{{#if:|}}",
    };

    @Test
    void randomMarkupSoupIsCleanedWithoutErrors() {
        WikitextCleaner cleaner = new WikitextCleaner();
        Random rnd = new Random(20240501L);
        for (int doc = 0; doc < 3000; doc++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(80);
            for (int k = 0; k < n; k++) {
                sb.append(PIECES[rnd.nextInt(PIECES.length)]);
            }
            String w = sb.toString();
            CleanedArticle a = cleaner.clean("T", w);
            // garbage may leave debris (that is what MarkupLeftovers counts), but the output is always
            // normalised text: no blank paragraphs, nothing the normaliser would still change
            for (String p : a.paragraphs()) {
                assertEquals(TextNormalizer.normalize(p), p, "from: " + w);
                assertFalse(p.isBlank(), "from: " + w);
            }
        }
    }

    /** Well-formed but randomly nested markup must clean without any leftover marker. */
    @Test
    void randomWellFormedMarkupLeavesNoLeftovers() {
        WikitextCleaner cleaner = new WikitextCleaner();
        Random rnd = new Random(7L);
        for (int doc = 0; doc < 3000; doc++) {
            StringBuilder sb = new StringBuilder();
            int blocks = 1 + rnd.nextInt(6);
            for (int k = 0; k < blocks; k++) {
                block(sb, rnd);
            }
            String w = sb.toString();
            String text = cleaner.clean("T", w).text();
            assertNull(MarkupLeftovers.find(text), "from: " + w + "\n=> " + text);
        }
    }

    @Test
    void manyUnclosedOpenersStayLinear() {
        // 200k unclosed openers of each kind: a cleaner that rescans to the end for each would not finish
        String w = "{{ [[ <ref> <math> {| ".repeat(200_000);
        CleanedArticle a = new WikitextCleaner().clean("T", w);
        assertNull(MarkupLeftovers.find(a.text()));
    }

    @Test
    void manyPlainLinksStayLinear() {
        // no '|' or ':' after the links: a search to the end of the page per link would be quadratic
        String w = "[[връзка]] ".repeat(300_000);
        String text = new WikitextCleaner().clean("T", w).text();
        assertEquals(300_000 * "връзка ".length() - 1, text.length());
    }

    @Test
    void deeplyNestedLinksAreBounded() {
        String w = "[[a|".repeat(5000) + "текст" + "]]".repeat(5000);
        // beyond the nesting limit labels are dropped and the outer link falls back to its target
        assertEquals("a", new WikitextCleaner().clean("T", w).text());
    }

    private static void block(StringBuilder sb, Random rnd) {
        switch (rnd.nextInt(5)) {
            case 0 -> sb.append("\n== Заглавие ==\n");
            case 1 -> {
                sb.append("\n{| class=x\n|-\n| ");
                inline(sb, rnd, 1);
                sb.append("\n|}\n");
            }
            case 2 -> sb.append("\n* ");
            default -> {
            }
        }
        int pieces = 1 + rnd.nextInt(5);
        for (int k = 0; k < pieces; k++) {
            inline(sb, rnd, 0);
        }
        sb.append(rnd.nextBoolean() ? "\n" : "\n\n");
    }

    private static void inline(StringBuilder sb, Random rnd, int depth) {
        int kind = depth > 4 ? 0 : rnd.nextInt(12);
        switch (kind) {
            case 1 -> {
                sb.append("{{шаблон|");
                inline(sb, rnd, depth + 1);
                sb.append(rnd.nextBoolean() ? "|{{{1|x}}}" : "").append("}}");
            }
            case 2 -> {
                sb.append("[[цел|");
                inline(sb, rnd, depth + 1);
                sb.append("]]");
            }
            case 3 -> {
                sb.append("[[Файл:x.jpg|мини|");
                inline(sb, rnd, depth + 1);
                sb.append("]]");
            }
            case 4 -> {
                if (depth > 0) { // <ref> does not nest in MediaWiki
                    sb.append(" дума ");
                    return;
                }
                sb.append("<ref name=\"r").append(depth).append("\">");
                inline(sb, rnd, depth + 1);
                sb.append("</ref>");
            }
            case 5 -> sb.append("<ref name=r />");
            case 6 -> {
                sb.append("'''");
                inline(sb, rnd, depth + 1);
                sb.append("'''");
            }
            case 7 -> sb.append("<!-- {{ [[ -->");
            case 8 -> sb.append("<math>\\frac{a}{b^{2}}}}</math>");
            case 9 -> {
                if (depth > 0) { // external links do not nest
                    sb.append(" дума ");
                    return;
                }
                sb.append("[https://x.bg ");
                inline(sb, rnd, depth + 1);
                sb.append("]");
            }
            case 10 -> sb.append("[[Категория:К]]");
            case 11 -> sb.append("&nbsp;&amp;");
            default -> sb.append(" дума ");
        }
    }
}
