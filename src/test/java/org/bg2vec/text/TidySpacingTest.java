package org.bg2vec.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link ArticleBuilder#tidySpacing} on hand-checked paragraphs, with and without anything to remove. */
class TidySpacingTest {

    @Test
    void removesSpacesBeforePunctuationAndFillersAfterAParenthesis() {
        assertEquals("текст.", ArticleBuilder.tidySpacing("текст ."));
        assertEquals("Рила, Пирин; Витоша!", ArticleBuilder.tidySpacing("Рила , Пирин ; Витоша !"));
        assertEquals("(1903 – 1995)", ArticleBuilder.tidySpacing("(; 1903 – 1995)"));
        assertEquals("(1903)", ArticleBuilder.tidySpacing("( , 1903 )"));
        assertEquals("a .5 b", ArticleBuilder.tidySpacing("a .5 b")); // ".5": a number, not a full stop
    }

    @Test
    void aParagraphWithNothingToRemoveIsReturnedAsIs() {
        String s = "Рила е планина в България, най-високата на Балканите. ";
        assertSame(s, ArticleBuilder.tidySpacing(s));
        String paren = "Рила (планина) е висока.";
        assertEquals(paren, ArticleBuilder.tidySpacing(paren));
        assertEquals("а ,б", ArticleBuilder.tidySpacing("а ,б"), "',' before a letter stays");
    }
}
