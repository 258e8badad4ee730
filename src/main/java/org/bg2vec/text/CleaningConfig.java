package org.bg2vec.text;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link WikitextCleaner} removes. Loadable from JSON with Jackson (missing fields take the defaults,
 * unknown fields are an error).
 *
 * @param dropSections       headings whose sections (with their subsections) are dropped, compared
 *                           case-insensitively after whitespace collapsing
 * @param fileNamespaces     namespace names/aliases of file links, removed with their captions
 *                           ({@code [[Файл:x.jpg|мини|надпис]]})
 * @param categoryNamespaces namespace names/aliases of category links, removed
 * @param keepListItems      keep list items ({@code * ...}) as paragraphs; false drops them
 */
public record CleaningConfig(List<String> dropSections, List<String> fileNamespaces,
                             List<String> categoryNamespaces, boolean keepListItems) {

    /** Footer sections dropped by default: Bulgarian and the usual English equivalents. */
    public static final List<String> DEFAULT_DROP_SECTIONS = List.of(
            "Вижте също", "Източници", "Бележки", "Външни препратки", "Литература",
            "Допълнителна литература", "Бележки и източници", "Източници и бележки",
            "See also", "References", "Notes", "External links", "Further reading", "Bibliography",
            "Sources", "Notes and references");

    /** File namespaces of bgwiki (canonical names and aliases) and of enwiki/MediaWiki core. */
    public static final List<String> DEFAULT_FILE_NAMESPACES = List.of(
            "Файл", "Картинка", "Изображение", "Медия", "File", "Image", "Media");

    /** Category namespaces of bgwiki and MediaWiki core. */
    public static final List<String> DEFAULT_CATEGORY_NAMESPACES = List.of("Категория", "Category");

    public CleaningConfig {
        dropSections = checked("dropSections", dropSections);
        fileNamespaces = checked("fileNamespaces", fileNamespaces);
        categoryNamespaces = checked("categoryNamespaces", categoryNamespaces);
    }

    /** The defaults: Bulgarian + English footers and namespaces, list items kept. */
    public static CleaningConfig defaults() {
        return new CleaningConfig(DEFAULT_DROP_SECTIONS, DEFAULT_FILE_NAMESPACES, DEFAULT_CATEGORY_NAMESPACES,
                true);
    }

    /** Jackson entry point: absent fields take the defaults. */
    @JsonCreator
    static CleaningConfig fromJsonFields(@JsonProperty("dropSections") List<String> dropSections,
                                         @JsonProperty("fileNamespaces") List<String> fileNamespaces,
                                         @JsonProperty("categoryNamespaces") List<String> categoryNamespaces,
                                         @JsonProperty("keepListItems") Boolean keepListItems) {
        return new CleaningConfig(dropSections == null ? DEFAULT_DROP_SECTIONS : dropSections,
                fileNamespaces == null ? DEFAULT_FILE_NAMESPACES : fileNamespaces,
                categoryNamespaces == null ? DEFAULT_CATEGORY_NAMESPACES : categoryNamespaces,
                keepListItems == null || keepListItems);
    }

    /** Reads a config from JSON; an invalid file fails with a message naming it and the problem. */
    public static CleaningConfig load(Path json) throws IOException {
        try (InputStream in = Files.newInputStream(json)) {
            return mapper().readValue(in, CleaningConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("invalid cleaning config " + json + ": " + e.getMessage(), e);
        }
    }

    /** Parses a config from a JSON string. */
    public static CleaningConfig fromJson(String json) throws IOException {
        return mapper().readValue(json, CleaningConfig.class);
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    private static List<String> checked(String field, List<String> values) {
        if (values == null) {
            throw new IllegalArgumentException("cleaning config: " + field + " must be a list (use [] for none)");
        }
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("cleaning config: " + field + " contains an empty entry");
            }
        }
        return List.copyOf(values);
    }
}
