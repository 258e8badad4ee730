package org.bg2vec.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CleaningConfigTest {

    @Test
    void defaultsContainTheBulgarianFooters() {
        CleaningConfig c = CleaningConfig.defaults();
        assertTrue(c.dropSections().containsAll(
                List.of("Вижте също", "Източници", "Бележки", "Външни препратки", "Литература")));
        assertTrue(c.dropSections().contains("References"));
        assertTrue(c.keepListItems());
    }

    @Test
    void jsonFieldsOverrideDefaultsAndMissingOnesKeepThem() throws IOException {
        CleaningConfig c = CleaningConfig.fromJson("{\"dropSections\":[\"Бележки\"],\"keepListItems\":false}");
        assertEquals(List.of("Бележки"), c.dropSections());
        assertFalse(c.keepListItems());
        assertEquals(CleaningConfig.DEFAULT_FILE_NAMESPACES, c.fileNamespaces());
        assertEquals(CleaningConfig.defaults(), CleaningConfig.fromJson("{}"));
    }

    @Test
    void invalidFilesFailNamingTheFileAndTheProblem(@TempDir Path dir) throws IOException {
        Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, "{\"dropSection\":[\"x\"]}");
        IOException e = assertThrows(IOException.class, () -> CleaningConfig.load(unknown));
        assertTrue(e.getMessage().contains("unknown.json") && e.getMessage().contains("dropSection"), e.getMessage());

        Path blank = dir.resolve("blank.json");
        Files.writeString(blank, "{\"dropSections\":[\" \"]}");
        IOException b = assertThrows(IOException.class, () -> CleaningConfig.load(blank));
        assertTrue(b.getMessage().contains("dropSections contains an empty entry"), b.getMessage());
    }

    @Test
    void customNamespacesAreHonoured() {
        CleaningConfig de = new CleaningConfig(List.of("Einzelnachweise"), List.of("Datei"), List.of("Kategorie"),
                true);
        CleanedArticle a = new WikitextCleaner(de).clean("Berlin",
                "'''Berlin''' ist [[Datei:x.jpg|Bild]]die Hauptstadt.\n[[Kategorie:Stadt]]\n== Einzelnachweise ==\nx");
        assertEquals("Berlin ist die Hauptstadt.", a.text());
    }
}
