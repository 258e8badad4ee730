package org.bg2vec.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextNormalizerTest {

    @Test
    void theFastLetterOrDigitAgreesWithCharacterOnEveryChar() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            assertEquals(Character.isLetterOrDigit((char) c), TextNormalizer.isLetterOrDigit((char) c),
                    "char " + c);
        }
    }

    @Test
    void theBasicLettersAndDigitsAreExactlyAsciiOnesAndCyrillicAToYa() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            char ch = (char) c;
            boolean expected = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || (ch >= 'А' && ch <= 'я');
            assertEquals(expected, TextNormalizer.isBasicLetterOrDigit(ch), "char " + c);
            if (expected) { // what the writer's shortcut skips: kept as is, a letter or digit, plainly NFC
                assertTrue(Character.isLetterOrDigit(ch) && TextNormalizer.isPlainlyNfc(ch), "char " + c);
                assertFalse(TextNormalizer.isSpaceLike(ch) || TextNormalizer.isDeleted(ch), "char " + c);
            }
        }
    }

    @Test
    void shortIStaysShortIEvenWhenDecomposed() {
        assertEquals("й", TextNormalizer.normalize("й"));
        assertEquals("й", TextNormalizer.normalize("и\u0306"));
        // a character for ICU after text already written: the whole text is normalised from its start
        assertEquals("първа линия\nвтора й", TextNormalizer.normalize("първа  линия\n втора и\u0306 ")); // и + combining breve composes to й
        assertEquals("Й", TextNormalizer.normalize("И\u0306"));
    }

    @Test
    void iWithGraveStaysAndComposes() {
        assertEquals("ѝ", TextNormalizer.normalize("ѝ"));
        assertEquals("ѝ", TextNormalizer.normalize("и\u0300")); // NFC composes и + grave to U+045D
        assertEquals("\u045D", TextNormalizer.normalize("и\u0300"));
    }

    @Test
    void eWithGraveBecomesPlainE() {
        assertEquals("не", TextNormalizer.normalize("нѐ"));
        assertEquals("Ето", TextNormalizer.normalize("Ѐто"));
        assertEquals("не", TextNormalizer.normalize("не\u0300")); // composes to ѐ first, then maps to е
    }

    @Test
    void stressMarksAreDropped() {
        assertEquals("вълна", TextNormalizer.normalize("въ\u0301лна"));
        assertEquals("народ", TextNormalizer.normalize("наро\u0301д"));
        assertEquals("а", TextNormalizer.normalize("а\u0300"));
        // precomposed Latin letters are not stress marks and stay
        assertEquals("café", TextNormalizer.normalize("cafe\u0301"));
    }

    @Test
    void softHyphenAndZeroWidthCharactersAreDeleted() {
        assertEquals("преподавател", TextNormalizer.normalize("пре\u00ADпо\u00ADда\u00ADва\u00ADтел"));
        assertEquals("абвгд", TextNormalizer.normalize("а\u200Bб\u200Cв\u200Dг\u2060д\uFEFF"));
    }

    @Test
    void unicodeSpacesBecomeOneAsciiSpace() {
        assertEquals("20 000 души", TextNormalizer.normalize("20\u00A0000\u2009\u202Fдуши"));
        assertEquals("а б в", TextNormalizer.normalize("  а \t б\u3000\u00A0 в  "));
    }

    @Test
    void emptyParenthesesAreDropped() {
        assertEquals("София е град.", TextNormalizer.normalize("София () е град."));
        assertEquals("София е град.", TextNormalizer.normalize("София ( , ; ) е град."));
        assertEquals("град (2020)", TextNormalizer.normalize("град (2020)"));
        assertEquals("ф(x) и (а)", TextNormalizer.normalize("ф(x) и (а)"));
    }

    @Test
    void punctuationOnlyAndEmptyLinesAreDropped() {
        assertEquals("ред\nдруг ред", TextNormalizer.normalize("ред\n...\n\n — \n()\nдруг ред"));
        assertEquals("", TextNormalizer.normalize("* * *"));
        assertEquals("", TextNormalizer.normalize(null));
    }

    @Test
    void normalizationIsIdempotent() {
        String once = TextNormalizer.normalize("  въ\u0301лна\u00AD  нѐ ( ) и\u0306 \n ... \nкрай  ");
        assertEquals(once, TextNormalizer.normalize(once));
        assertEquals("вълна не й\nкрай", once);
    }

    @Test
    void theNfcShortcutOnlyCoversStartersThatNfcKeeps() {
        com.ibm.icu.text.Normalizer2 nfc = com.ibm.icu.text.Normalizer2.getNFCInstance();
        int covered = 0;
        for (char c = 0; c < 0x600; c++) {
            if (TextNormalizer.isPlainlyNfc(c)) {
                covered++;
                assertEquals(0, nfc.getCombiningClass(c), Integer.toHexString(c));
                assertEquals(com.ibm.icu.text.Normalizer.YES, nfc.quickCheck(String.valueOf(c)), Integer.toHexString(c));
                assertTrue(nfc.hasBoundaryBefore(c), Integer.toHexString(c));
            }
        }
        assertEquals(0x300 + (0x483 - 0x400) + (0x530 - 0x48A), covered);
        assertFalse(TextNormalizer.isPlainlyNfc('\u0306'), "a combining breve is left to ICU");
        assertEquals("й", TextNormalizer.normalize("и\u0306"));
        // a character for ICU after text already written: the whole text is normalised from its start
        assertEquals("първа линия\nвтора й", TextNormalizer.normalize("първа  линия\n втора и\u0306 "));
    }
}
