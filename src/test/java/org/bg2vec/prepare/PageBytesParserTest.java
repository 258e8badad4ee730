package org.bg2vec.prepare;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link PageBytesParser} against StAX ({@link PageParser#parseWithStax}) as the reference: every page it returns
 * is the page StAX returns, and every fragment StAX must judge (malformed or unusual XML) is left to StAX.
 */
class PageBytesParserTest {

    private final PageBytesParser bytes = new PageBytesParser();
    private final PageParser stax = new PageParser();

    @Test
    void everyPageOfTheBundledSampleIsParsedAsStaxDoes() throws IOException, MalformedPageException {
        byte[] dump = Files.readAllBytes(Path.of("data-prep/sample/bgwiki-sample-pages-articles.xml"));
        int fast = 0;
        List<byte[]> pages = pages(dump);
        for (byte[] page : pages) {
            RawPage got = bytes.parse(page);
            if (got != null) {
                fast++;
                assertEquals(stax.parseWithStax(page), got, new String(page, StandardCharsets.UTF_8));
            } else {
                assertThrows(MalformedPageException.class, () -> stax.parseWithStax(page),
                        "left to StAX although well-formed: " + new String(page, StandardCharsets.UTF_8));
            }
        }
        assertEquals(150, pages.size());
        assertEquals(149, fast, "all but the sample's malformed page without StAX");
    }

    @Test
    void entitiesReferencesAttributesAndEmptyElementsAreDecodedAsStaxDoes() throws MalformedPageException {
        String[] texts = {
            "&lt;ref&gt;Източник&lt;/ref&gt; &quot;кавички&quot; &apos;апостроф&apos; A &amp; B",
            "&amp;lt; stays an escaped &amp;amp;lt;",
            "numeric: &#1041;&#x44A;&#x44a;&#0000065; &#x1F600; &#9; tab&#10;line &#13; cr-ref",
            "astral 😀 and ‰ and ё and \u00a0 and \u007f and \ufeff and ]] > and ]>",
            "tab\there\nand lines\n\n== Раздел ==\n",
            "",
        };
        for (String text : texts) {
            same(page("<title>Заглавие &amp; друго</title>", "<text bytes=\"1\" xml:space=\"preserve\">" + text
                    + "</text>"));
        }
        same(page("<title>Самозатворен</title>", "<text bytes=\"0\" />"));
        same(page("<title>Самозатворен2</title>", "<text/>"));
        same(page("<title>Пренасочване</title><redirect title=\"Цел &amp; &quot;друго&quot;\" />",
                "<text>#пренасочване [[Цел]]</text>"));
        same(page("<title>Апострофи</title><redirect title='Цел \"x\"'/>", "<text a = 'x' b=\"y\" >т</text>"));
        same(page("<title>Празно</title>", ""));
        same("<page><title>Без ns</title><id> 7 </id><revision><text>x</text></revision></page>");
        same("<page><title>Две ревизии</title><ns>0</ns><id>8</id><revision><text>първа</text></revision>"
                + "<revision><text>втора</text></revision></page>");
        same("<page><title>Текст другаде</title><ns>0</ns><id>9</id><other><text>не</text></other>"
                + "<revision><x><text>не</text></x></revision></page>");
        same("<page><ns>0</ns><id>10</id><revision><text>без заглавие</text></revision></page>");
        same("<page/>");
        same("  <page>\n<title>С интервали</title>\n<ns>\t0\n</ns><id>11</id></page >\n ");
    }

    @Test
    void fragmentsThatStaxMustJudgeAreLeftToIt() {
        String[] odd = {
            // well-formed, but not handled here
            page("<title>Коментар</title>", "<text>a<!-- b -->c</text>"),
            page("<title>CDATA</title>", "<text><![CDATA[<b>]]></text>"),
            page("<title>PI</title>", "<text>a<?pi x?>b</text>"),
            page("<title>CR</title>", "<text>a\r\nb</text>"),
            page("<title>Не е число</title>", "<text>a</text>").replace("<ns>0</ns>", "<ns>нула</ns>"),
            page("<title>Кирилско име</title><бележка>x</бележка>", "<text>a</text>"),
            // malformed: StAX rejects them with its own message
            page("<title>Непознат</title>", "<text>&nbsp;</text>"),
            page("<title>Без точка и запетая</title>", "<text>&amp b</text>"),
            page("<title>Нула</title>", "<text>&#0;</text>"),
            page("<title>Сурогат</title>", "<text>&#xD800;</text>"),
            page("<title>Главно X</title>", "<text>&#X41;</text>"),
            page("<title>Управляващ</title>", "<text>a\u0001b</text>"),
            page("<title>CDATA край</title>", "<text>a ]]> b</text>"),
            page("<title>Разминаване</title>", "<text>a</texts>"),
            page("<title>Вложен <b>елемент</b></title>", "<text>a</text>"),
            page("<title>Вложен в текста</title>", "<text>a <b/> c</text>"),
            page("<title>Повторен атрибут</title>", "<text a=\"1\" a=\"2\">x</text>"),
            page("<title>Слепени атрибути</title>", "<text a=\"1\"b=\"2\">x</text>"),
            page("<title>Атрибут без кавички</title>", "<text a=1>x</text>"),
            page("<title>Атрибут с <</title>", "<text a=\"<\">x</text>"),
            "<page><title>Незатворен</title><ns>0</ns><id>1</id><revision><text>x</text></revision>",
            "<page><title>Два корена</title></page><page/>",
            "<page><title>Текст след корена</title></page>x",
            "текст<page><title>Текст преди корена</title></page>",
        };
        for (String page : odd) {
            byte[] fragment = page.getBytes(StandardCharsets.UTF_8);
            assertNull(bytes.parse(fragment), page);
        }
        for (byte[] fragment : new byte[][] {
            withBytes(page("<title>Лош UTF-8</title>", "<text>aXb</text>"), (byte) 0xC0),
            withBytes(page("<title>Прекъснат UTF-8</title>", "<text>aXb</text>"), (byte) 0xD0),
            withBytes(page("<title>Излишен байт</title>", "<text>aXb</text>"), (byte) 0x80),
            withBytes(page("<title>FFFE</title>", "<text>aXb</text>"), (byte) 0xEF, (byte) 0xBF, (byte) 0xBE),
            withBytes(page("<title>Сурогат в UTF-8</title>", "<text>aXb</text>"), (byte) 0xED, (byte) 0xA0,
                    (byte) 0x80),
        }) {
            assertNull(bytes.parse(fragment), new String(fragment, StandardCharsets.ISO_8859_1));
            assertThrows(MalformedPageException.class, () -> stax.parseWithStax(fragment));
        }
    }

    /** The bytes parser handles the page, and gives StAX's result. */
    private void same(String page) throws MalformedPageException {
        byte[] fragment = page.getBytes(StandardCharsets.UTF_8);
        RawPage got = bytes.parse(fragment);
        assertNotNull(got, "left to StAX: " + page);
        assertEquals(stax.parseWithStax(fragment), got, page);
    }

    private static String page(String head, String revision) {
        return "<page>\n    " + head + "\n    <ns>0</ns>\n    <id>42</id>\n    <revision>\n      <id>1042</id>\n"
                + "      <model>wikitext</model>\n      " + revision + "\n      <sha1>abc</sha1>\n    </revision>\n"
                + "  </page>";
    }

    /** The page's UTF-8 with the 'X' of its text replaced by {@code raw}. */
    private static byte[] withBytes(String page, byte... raw) {
        byte[] utf8 = page.getBytes(StandardCharsets.UTF_8);
        int at = new String(utf8, StandardCharsets.ISO_8859_1).indexOf("aXb") + 1;
        byte[] out = new byte[utf8.length - 1 + raw.length];
        System.arraycopy(utf8, 0, out, 0, at);
        System.arraycopy(raw, 0, out, at, raw.length);
        System.arraycopy(utf8, at + 1, out, at + raw.length, utf8.length - at - 1);
        return out;
    }

    private static List<byte[]> pages(byte[] dump) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (PageScanner scanner = new PageScanner(new ByteArrayInputStream(dump), 0, Long.MAX_VALUE, 1 << 22)) {
            for (ScannedPage p = scanner.next(); p != null; p = scanner.next()) {
                out.add(p.xml());
            }
        }
        return out;
    }
}
