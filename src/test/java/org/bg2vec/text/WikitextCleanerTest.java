package org.bg2vec.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One small hand-made input per wikitext construct, with the expected plain text. */
class WikitextCleanerTest {

    private final WikitextCleaner cleaner = new WikitextCleaner(CleaningConfig.defaults());

    private String text(String wikitext) {
        return cleaner.clean("T", wikitext).text();
    }

    @Test
    void nestedTemplatesAndParametersAreRemoved() {
        assertEquals("А е Б.", text("{{a|x={{b|{{c}}}}|{{{1|y}}}}}А е Б."));
        assertEquals("А е Б.", text("А {{x|{{{param}}}}} е {{y\n|z = {{w}}\n}}Б."));
        assertEquals("текст", text("{{{{a}}|b}}текст"));
    }

    @Test
    void unclosedTemplateOpenerIsDroppedAndStrayClosersVanish() {
        assertEquals("x и y", text("{{x и y"));
        assertEquals("a b", text("a }} b"));
        assertEquals("a b", text("a ]] b"));
    }

    @Test
    void tablesAreRemovedIncludingNestedOnesAndTemplatesWithPipes() {
        String w = "Преди.\n{| class=\"wikitable\"\n|-\n| a || {{x\n|}}\n|-\n|\n{|\n| вътрешна\n|}\n|}\nСлед.";
        assertEquals("Преди.\nСлед.", text(w));
        assertEquals("Преди.", text("Преди.\n{|\n| никога не се затваря"));
        assertEquals("Преди.\nСлед.", text("Преди.\n:{|\n| отместена\n|}\nСлед."));
    }

    @Test
    void referencesInAllFormsAreRemoved() {
        assertEquals("А е Б. В.",
                text("А е Б.<ref name=\"a\">{{cite|x}}</ref> В.<ref name=a /><REF group=\"бел\">x</REF>"
                        + "\n== Бележки ==\n<references />"));
        assertEquals("А.", text("А.<ref name=\"x\"/>"));
        // an unclosed <ref> only loses its opening tag: nothing after it disappears
        assertEquals("А.без затваряне Б.", text("А.<ref>без затваряне Б."));
        assertEquals("А.", text("А.<references>\n<ref name=a>x</ref>\n</references>"));
    }

    @Test
    void commentsAreRemovedAlsoAcrossLinesAndUnclosed() {
        assertEquals("А Б", text("А <!-- бележка\nна два реда --> Б"));
        assertEquals("А", text("А <!-- незатворен"));
    }

    @Test
    void mathCodeGalleryTimelineAndSimilarBlocksAreRemoved() {
        assertEquals("Формулата е, а.", text("Формулата е <math>\\frac{a}{b^{2}}}}</math>, а."));
        assertEquals("А. Б.", text("А. <code>x = {{y}}</code>Б."));
        assertEquals("А.\nБ.", text("А.\n<gallery>\nФайл:x.jpg|Надпис с [[връзка]]\n</gallery>\nБ."));
        assertEquals("А.\nБ.", text("А.\n<timeline>\nPeriod = from:1 till:2\n</timeline>\nБ."));
        assertEquals("А. Б.", text("А. <syntaxhighlight lang=\"java\">int[] a = {1};</syntaxhighlight>Б."));
        assertEquals("А. Б.", text("А. <chem>H2O</chem>Б. <score>\\relative c' { c }</score>"));
    }

    @Test
    void magicWordsInBulgarianAndEnglishAreRemoved() {
        assertEquals("А.", text("__БЕЗСЪДЪРЖАНИЕ__\nА.__NOTOC__"));
        assertEquals("А.", text("__СЪДЪРЖАНИЕ____БЕЗРЕДАКТИРАНЕНАРАЗДЕЛИ__А."));
        assertEquals("снейк_кейс и __x__", text("снейк_кейс и __x__"));
    }

    @Test
    void fileLinksInBothLanguagesAreRemovedWithNestedCaptions() {
        assertEquals("А. Б.", text("А. [[Файл:x.jpg|мини|Надпис с [[връзка|друга]] и [[Файл:y.png]]]]Б."));
        for (String ns : List.of("Картинка", "Медия", "Изображение", "File", "Image", "Media", "файл", "image")) {
            assertEquals("А. Б.", text("А. [[" + ns + ":z.jpg|thumb|Надпис]]Б."), ns);
        }
        assertEquals("А. Б.", text("А. [[ Файл : z.jpg ]]Б."));
    }

    @Test
    void categoryAndInterlanguageLinksAreRemoved() {
        assertEquals("А.", text("А.\n[[Категория:Градове|София]]\n[[Category:X]]\n[[en:Sofia]]\n[[zh-min-nan:Sofia]]"));
        // a visible category link (leading colon) and an interwiki link with a label stay text
        assertEquals("Вж. Категория:Градове и дума.", text("Вж. [[:Категория:Градове]] и [[wikt:дума|дума]]."));
    }

    @Test
    void internalLinksKeepTheirLabelOrTarget() {
        assertEquals("столицата на Република България", text("[[столица]]та на [[България|Република България]]"));
        assertEquals("Стара Загора", text("[[Стара_Загора]]"));
        assertEquals("Пловдив", text("[[Пловдив|]]"));
        assertEquals("връзка с удебелен текст", text("[[a|връзка с '''удебелен''' текст]]"));
        assertEquals("отворена връзка", text("[[отворена връзка"));
    }

    @Test
    void externalLinksKeepTheirTitleOnly() {
        assertEquals("Вижте Официален сайт.", text("Вижте [https://www.sofia.bg Официален сайт]."));
        assertEquals("Вижте.", text("Вижте [http://example.org]."));
        assertEquals("Сайт с шаблон.", text("[//example.org/a Сайт {{x|y}}с шаблон]."));
        assertEquals("[не е връзка]", text("[не е връзка]"));
        assertEquals("удебелена дума", text("[https://x.bg '''удебелена [[цел|дума]]''']"));
    }

    @Test
    void boldAndItalicMarkupVanishes() {
        assertEquals("удебелен, наклонен, двете", text("'''удебелен''', ''наклонен'', '''''двете'''''"));
        assertEquals("д'Артанян", text("д'Артанян"));
        assertEquals("'апостроф", text("''''апостроф'''"));
    }

    @Test
    void listItemsAreParagraphsOfTheirOwn() {
        CleanedArticle a = cleaner.clean("T", "Въведение:\n* първо\n** второ\n# трето\n; термин\n: определение\nКрай.");
        assertEquals(List.of("Въведение:", "първо", "второ", "трето", "термин", "определение", "Край."), a.paragraphs());
        CleaningConfig noLists = new CleaningConfig(CleaningConfig.DEFAULT_DROP_SECTIONS,
                CleaningConfig.DEFAULT_FILE_NAMESPACES, CleaningConfig.DEFAULT_CATEGORY_NAMESPACES, false);
        assertEquals(List.of("Въведение:", "Край."),
                new WikitextCleaner(noLists).clean("T", "Въведение:\n* първо\nКрай.").paragraphs());
    }

    @Test
    void entitiesAreDecoded() {
        assertEquals("А – Б & В „Г“ Ж Ш 5 °C", text("А &ndash; Б &amp; В &bdquo;Г&ldquo; &#1046; &#x0428; 5&nbsp;&deg;C"));
        assertEquals("&непознат; & x", text("&непознат; & x"));
    }

    @Test
    void inlineHtmlIsStrippedKeepingContent() {
        assertEquals("H2O е x2 и малко и span и b/i",
                text("H<sub>2</sub>O е x<sup>2</sup> и <small>малко</small> и <span style=\"a>b\">span</span>"
                        + " и <b>b</b>/<i>i</i>"));
        assertEquals("ред едно ред две", text("ред едно<br />ред две"));
        assertEquals("ред", text("<div class=\"x\">ред</div>"));
        assertEquals("a < b и <непознат> таг", text("a < b и <непознат> таг"));
        assertEquals("''буквално''", text("<nowiki>''буквално''</nowiki>"));
        assertEquals("Раздел с текст.", text("<section begin=\"a\" />Раздел <onlyinclude>с</onlyinclude> текст.<section end=a/>"));
        assertEquals("Видимо.", text("Видимо.<includeonly>[[Категория:X]] само при вмъкване</includeonly>"));
    }

    @Test
    void headingsSplitSectionsAndFooterSectionsAreDropped() {
        String w = "Увод е тук.\n== История ==\nТекст.\n=== Ранна история ===\nПо-стар текст.\n"
                + "== Източници ==\n* източник\n=== Подраздел на източниците ===\nизточник две\n"
                + "==Външни препратки==\n* [http://x.bg сайт]\n== Наследство ==\nОще текст.";
        CleanedArticle a = cleaner.clean("T", w);
        assertEquals(List.of("", "История", "Ранна история", "Наследство"),
                a.sections().stream().map(CleanedArticle.Section::heading).toList());
        assertEquals("Увод е тук.\nТекст.\nПо-стар текст.\nОще текст.", a.text());
        assertEquals("Увод е тук.", a.lead());
    }

    @Test
    void headingsWithCommentsAndMarkupAreRecognised() {
        CleanedArticle a = cleaner.clean("T", "Увод.\n== [[История]] на ''града'' == <!-- бележка -->\nТекст.\n"
                + "==Източници==<!--x-->\n<references/>");
        assertEquals(List.of("", "История на града"),
                a.sections().stream().map(CleanedArticle.Section::heading).toList());
        assertEquals("Увод.\nТекст.", a.text());
    }

    @Test
    void footerListIsConfigurable() throws Exception {
        CleaningConfig c = CleaningConfig.fromJson("{\"dropSections\": [\"История\"]}");
        CleanedArticle a = new WikitextCleaner(c).clean("T", "Увод.\n== История ==\nx\n== Източници ==\ny");
        assertEquals("Увод.\ny", a.text());
    }

    @Test
    void headingLikeLinesThatAreNotHeadingsStayText() {
        assertEquals("= не е заглавие", text("= не е заглавие"));
        assertEquals("a = b", text("a = b"));
    }

    @Test
    void emptyParenthesesLeftByRemovedTemplatesGo() {
        assertEquals("София е град.", text("'''София''' ({{IPA|ˈsɔfijɐ}}) е град."));
        assertEquals("Кюри (1867 – 1934) е учен.", text("Кюри ({{lang-pl|Maria}}; 1867&nbsp;– 1934) е учен."));
        assertEquals("А е Б.", text("А <ref>x</ref> е Б <ref>y</ref>."));
    }

    @Test
    void horizontalRulesAndPunctuationOnlyLinesVanish() {
        assertEquals("А.\nБ.", text("А.\n\n----\n\n* * *\n\n—\n\nБ."));
    }

    @Test
    void paragraphsAreSeparatedByBlankLinesAndLinesJoined() {
        CleanedArticle a = cleaner.clean("T", "Първи ред\nвтори ред.\n\nНов абзац.");
        assertEquals(List.of("Първи ред втори ред.", "Нов абзац."), a.paragraphs());
    }

    @Test
    void nullAndEmptyInputGiveAnEmptyArticle() {
        assertEquals("", cleaner.clean("T", null).text());
        assertEquals("", cleaner.clean("T", "").lead());
        assertEquals("", cleaner.clean("T", "{{инфокутия}}\n[[Категория:X]]").text());
    }
}
