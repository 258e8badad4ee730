package org.bg2vec.encode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EncodeColumnsTest {

    private static final List<String> FOUND = List.of("id", "lang", "body");

    @Test
    void defaultIdsAreEveryOtherColumnInOrder() {
        assertEquals(List.of("id", "lang"), EncodeColumns.resolve(FOUND, "body", List.of(), "in.parquet"));
        assertEquals(List.of("lang"), EncodeColumns.resolve(FOUND, "body", List.of("lang"), "in.parquet"));
    }

    @Test
    void missingTextColumnListsTheColumnsFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncodeColumns.resolve(FOUND, "text", List.of(), "in.parquet"));
        assertEquals("in.parquet has no text column 'text'; columns found: id, lang, body "
                + "(choose one with --text-column)", e.getMessage());
    }

    @Test
    void missingIdColumnAndEmbeddingClashAreErrors() {
        assertThrows(IllegalArgumentException.class,
                () -> EncodeColumns.resolve(FOUND, "body", List.of("nope"), "in"));
        assertThrows(IllegalArgumentException.class,
                () -> EncodeColumns.resolve(List.of("embedding", "text"), "text", List.of(), "in"));
    }
}
