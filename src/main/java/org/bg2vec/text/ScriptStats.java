package org.bg2vec.text;

/** Script statistics used by the language filters of the prepare job. */
public final class ScriptStats {

    private ScriptStats() {
    }

    /**
     * Share of Cyrillic letters among all letters of {@code text} (code points with
     * {@link Character#isLetter(int)}), in [0, 1]. A text without letters has share 0.
     */
    public static double cyrillicShare(String text) {
        if (text == null) {
            return 0.0;
        }
        long letters = 0;
        long cyrillic = 0;
        char[] chars = text.toCharArray(); // indexing an array: no per-character checks of String.charAt
        for (int i = 0; i < chars.length; ) {
            char c = chars[i];
            if (c < 0x80) { // ASCII: the letters are A-Z and a-z
                if ((char) ((c | 0x20) - 'a') < 26) {
                    letters++;
                }
                i++;
                continue;
            }
            if ((char) (c - 0x400) <= 0x81) { // Cyrillic letters Ѐ–ҁ (the block's symbols and marks follow)
                letters++;
                cyrillic++;
                i++;
                continue;
            }
            int cp = Character.codePointAt(chars, i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp)) {
                letters++;
                if (isCyrillic(cp)) {
                    cyrillic++;
                }
            }
        }
        return letters == 0 ? 0.0 : (double) cyrillic / letters;
    }

    /** The script of a letter, without the binary search for the two blocks Bulgarian text is made of. */
    static boolean isCyrillic(int letter) {
        if (letter < 0x80) {
            return false;
        }
        if (letter >= 0x400 && letter <= 0x4FF) {
            return true; // every letter of the Cyrillic block is of the Cyrillic script
        }
        return Character.UnicodeScript.of(letter) == Character.UnicodeScript.CYRILLIC;
    }
}
