package org.bg2vec.format;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The column names writers and readers use are the columns of the schemas the shards are written with. */
class PreparedDataTest {

    private static java.util.List<String> names(MessageType schema) {
        return schema.getFields().stream().map(Type::getName).toList();
    }

    @Test
    void columnNamesAreTheSchemasColumnsInOrder() {
        assertEquals(PreparedData.SAMPLE_COLUMNS, names(PreparedData.SAMPLE_SCHEMA));
        assertEquals(PreparedData.REJECT_COLUMNS, names(PreparedData.REJECT_SCHEMA));
        assertEquals(java.util.List.of("sample_id", "page_id", "title", "lead", "query", "positive", "query_ids",
                "positive_ids"), PreparedData.SAMPLE_COLUMNS, "the layout prepare.md documents");
    }

    @Test
    void onlyTheCurrentFormatVersionIsRead() {
        assertNull(PreparedData.versionProblem(PreparedData.FORMAT_VERSION));
        String m = PreparedData.versionProblem(2);
        assertTrue(m.contains("format_version 2 is not supported") && m.contains("reads version 1"), m);
    }
}
