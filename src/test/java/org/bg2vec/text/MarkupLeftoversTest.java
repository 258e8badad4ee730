package org.bg2vec.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MarkupLeftoversTest {

    @Test
    void reportsTheFirstMarker() {
        assertEquals("{{", MarkupLeftovers.find("a {{b"));
        assertEquals("}}", MarkupLeftovers.find("a }} {{"));
        assertEquals("[[", MarkupLeftovers.find("[[x"));
        assertEquals("]]", MarkupLeftovers.find("x]]"));
        assertEquals("|}", MarkupLeftovers.find("ред |}"));
        assertEquals("<ref", MarkupLeftovers.find("текст <REF name=x>"));
    }

    @Test
    void cleanTextHasNone() {
        assertNull(MarkupLeftovers.find("Обикновен текст с { една скоба }, [квадратни] и | черта, < знак."));
        assertNull(MarkupLeftovers.find("<references/>".substring(1)));
        assertNull(MarkupLeftovers.find(""));
        assertNull(MarkupLeftovers.find(null));
    }
}
