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

    @Test
    void theAsciiAndCyrillicShortcutsCountEveryBmpCharacterAsUnicodeDoes() {
        for (char c = 0; c < 0xD800; c++) {
            String one = String.valueOf(c);
            double expected = !Character.isLetter(c) ? 0.0
                    : Character.UnicodeScript.of(c) == Character.UnicodeScript.CYRILLIC ? 1.0 : 0.0;
            assertEquals(expected, ScriptStats.cyrillicShare(one), Integer.toHexString(c));
            // one letter and this character: the character counts as a letter exactly when Unicode says so
            double withLatin = Character.isLetter(c) ? expected / 2 : 0.0;
            assertEquals(withLatin, ScriptStats.cyrillicShare("x" + one), 1e-12, Integer.toHexString(c));
        }
    }
}
