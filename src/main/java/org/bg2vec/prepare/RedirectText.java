package org.bg2vec.prepare;

import java.util.Locale;
import java.util.Set;

/**
 * Recognises redirect pages by their text, as MediaWiki does: optional whitespace, {@code #} and a redirect
 * magic word (any case), optional colon, then {@code [[}. Knows the Bulgarian aliases ({@code #пренасочване},
 * {@code #виж}), English and those of the languages whose dumps are most often mixed in.
 */
public final class RedirectText {

    private static final Set<String> WORDS = Set.of(
            "redirect", "пренасочване", "виж",                     // en, bg
            "перенаправление", "перенапр",                          // ru
            "перенаправлення",                                      // uk (shares ru's short form)
            "преусмери", "preusmeri", "пренасочување", "виду",      // sr, mk
            "weiterleitung", "redirection", "redirección", "redireccion", "rinvia", "rinvio",
            "patrz", "przekieruj", "tam", "doorverwijzing", "redirecionamento", "redireciona",
            "yönlendirme", "ανακατευθυνση", "ανακατεύθυνση", "přesměruj", "presmeruj");

    private RedirectText() {
    }

    /** Whether the wikitext is a redirect. */
    public static boolean isRedirect(String text) {
        int n = text.length();
        int i = 0;
        while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i >= n || text.charAt(i) != '#') {
            return false;
        }
        int start = ++i;
        while (i < n && i - start < 40) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == ':' || c == '[') {
                break;
            }
            i++;
        }
        String word = text.substring(start, i).toLowerCase(Locale.ROOT);
        if (!WORDS.contains(word)) {
            return false;
        }
        while (i < n && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ':')) {
            i++;
        }
        return text.startsWith("[[", i);
    }
}
