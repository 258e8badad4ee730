package org.bg2vec.text;

import com.ibm.icu.util.ULocale;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentenceSplitterTest {

    private final SentenceSplitter bg = SentenceSplitter.bulgarian();

    @Test
    void splitsPlainSentences() {
        assertEquals(List.of("Първо изречение.", "Второ ли е?", "Трето!"),
                bg.split("Първо изречение. Второ ли е? Трето!"));
    }

    @Test
    void abbreviationsFromTheListDoNotEndSentences() {
        assertEquals(List.of("Лекцията е на проф. Иванов и доц. Петрова.", "Следва почивка."),
                bg.split("Лекцията е на проф. Иванов и доц. Петрова. Следва почивка."));
        assertEquals(List.of("Живее на ул. Раковски в гр. Пловдив, обл. Пловдив.", "Край."),
                bg.split("Живее на ул. Раковски в гр. Пловдив, обл. Пловдив. Край."));
        assertEquals(List.of("Роден е в с. Арбанаси, напр. според акад. Ковачев."),
                bg.split("Роден е в с. Арбанаси, напр. според акад. Ковачев."));
        assertEquals(List.of("Статията излиза във в. Дума и в т.нар. Бюлетин.", "Край."),
                bg.split("Статията излиза във в. Дума и в т.нар. Бюлетин. Край."));
    }

    @Test
    void abbreviationsMatchWholeWordsOnly() {
        // "с." is listed (село) but "Бургас." ends with the same letters and still ends the sentence
        assertEquals(List.of("Пътувахме до Бургас.", "Морето беше топло."),
                bg.split("Пътувахме до Бургас. Морето беше топло."));
    }

    @Test
    void initialsDoNotEndSentences() {
        assertEquals(List.of("Авторът е Т. Г. Влайков.", "Той е роден в Пирдоп."),
                bg.split("Авторът е Т. Г. Влайков. Той е роден в Пирдоп."));
    }

    @Test
    void yearAbbreviationEndsASentenceBeforeACapital() {
        assertEquals(List.of("Градът е основан през 1879 г.", "Той расте бързо."),
                bg.split("Градът е основан през 1879 г. Той расте бързо."));
        // mid-sentence "г." before a lower-case word: ICU itself does not break
        assertEquals(List.of("През 2010 г. в София се провежда конгрес."),
                bg.split("През 2010 г. в София се провежда конгрес."));
        // the documented ambiguity: "г." before a capitalised name is split (not suppressed on purpose)
        assertEquals(List.of("През 2010 г.", "Иван Вазов е на корицата."),
                bg.split("През 2010 г. Иван Вазов е на корицата."));
    }

    @Test
    void othersThatOftenEndSentencesAreNotSuppressed() {
        assertEquals(List.of("Има книги, списания и др.", "Следва ново изречение."),
                bg.split("Има книги, списания и др. Следва ново изречение."));
        assertEquals(List.of("Основан е през 681 г. пр. н.е.", "Столица е Плиска."),
                bg.split("Основан е през 681 г. пр. н.е. Столица е Плиска."));
    }

    @Test
    void centuryAfterANumeralKeepsItsBreak() {
        assertEquals(List.of("Градът расте през XIX в.", "Днес е голям."),
                bg.split("Градът расте през XIX в. Днес е голям."));
    }

    @Test
    void listIsLoadedFromTheClasspathAndCanBeReplaced() {
        assertTrue(SentenceSplitter.class.getResource(SentenceSplitter.BULGARIAN_RESOURCE) != null);
        SentenceSplitter none = new SentenceSplitter(new ULocale("bg"), List.of());
        assertEquals(List.of("Лекцията е на проф.", "Иванов."), none.split("Лекцията е на проф. Иванов."));
        SentenceSplitter phrase = new SentenceSplitter(new ULocale("bg"), List.of("т. нар."));
        assertEquals(List.of("Това е т. нар. Голям взрив."), phrase.split("Това е т. нар. Голям взрив."));
    }

    @Test
    void sharedSplitterIsThreadSafe() throws Exception {
        String text = "Лекцията е на проф. Иванов. Авторът е Т. Г. Влайков. Градът е основан през 1879 г. Той расте.";
        List<String> expected = bg.split(text);
        assertEquals(4, expected.size());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    for (int k = 0; k < 2000; k++) {
                        if (!expected.equals(bg.split(text))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> run : runs) {
                assertTrue(run.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blankInputGivesNoSentences() {
        assertEquals(List.of(), bg.split("   "));
        assertEquals(List.of(), bg.split(null));
    }
}
