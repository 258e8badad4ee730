package org.bg2vec.encode;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EncoderTest {

    @Test
    void blankTextsGetNullRowsAndAreNotSentToTheModel() {
        HashingEmbedder e = new HashingEmbedder(16, 3);
        List<String> texts = Arrays.asList("София е столица", null, "  ", "", "Пловдив");
        float[][] out = new Encoder(e, new EncodeOptions(8, false, null)).encode(texts);
        assertArrayEquals(e.vector("София е столица"), out[0]);
        assertNull(out[1]);
        assertNull(out[2]);
        assertNull(out[3]);
        assertArrayEquals(e.vector("Пловдив"), out[4]);
        assertEquals(List.of(List.of("София е столица", "Пловдив")), e.batches());
    }

    @Test
    void instructionUsesLlm2vecForm() {
        HashingEmbedder e = new HashingEmbedder(16, 3);
        new Encoder(e, new EncodeOptions(8, false, "  Retrieve the article ")).encode(List.of("Варна"));
        assertEquals(List.of(List.of("Retrieve the article !@#$%^&*()Варна")), e.batches());
    }

    @Test
    void normalizeGivesUnitVectorsInTheSameDirection() {
        HashingEmbedder e = new HashingEmbedder(16, 3);
        float[] raw = e.vector("Русе");
        float[] unit = new Encoder(e, new EncodeOptions(8, true, null)).encode(List.of("Русе"))[0];
        assertEquals(1.0, Vectors.norm(unit), 1e-6);
        assertEquals(1.0, Vectors.cosine(raw, unit), 1e-6);
    }

    @Test
    void separatorInsideTheInstructionIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EncodeOptions(8, false, "a !@#$%^&*() b"));
    }
}
