package org.bg2vec.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScriptStatsTest {

    @Test
    void countsOnlyLetters() {
        assertEquals(1.0, ScriptStats.cyrillicShare("София, 2024 г.!"), 1e-12);
        assertEquals(0.0, ScriptStats.cyrillicShare("Sofia 2024"), 1e-12);
        assertEquals(0.5, ScriptStats.cyrillicShare("абвг abcd 123"), 1e-12);
        assertEquals(0.0, ScriptStats.cyrillicShare("123 ..."), 1e-12);
        assertEquals(0.0, ScriptStats.cyrillicShare(null), 1e-12);
    }

    @Test
    void handlesSupplementaryCharacters() {
        // 𝐀 (U+1D400) is one Latin letter made of two chars
        assertEquals(2.0 / 3.0, ScriptStats.cyrillicShare("аб\uD835\uDC00"), 1e-12);
    }

    @Test
    void theBlockShortcutAgreesWithUnicodeScriptsForEveryLetter() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.isLetter(cp)) {
                assertEquals(Character.UnicodeScript.of(cp) == Character.UnicodeScript.CYRILLIC,
                        ScriptStats.isCyrillic(cp), Integer.toHexString(cp));
            }
        }
    }
}
