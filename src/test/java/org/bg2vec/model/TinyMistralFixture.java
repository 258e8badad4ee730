package org.bg2vec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.format.SafetensorsFile;
import org.bg2vec.tokenize.TokenizedBatch;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Access to the tiny-mistral reference fixture (src/test/resources/fixtures/tiny-mistral, see its README). */
final class TinyMistralFixture {

    private TinyMistralFixture() {
    }

    static Path dir() {
        try {
            return Paths.get(TinyMistralFixture.class.getResource("/fixtures/tiny-mistral/config.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code q_batch} or {@code d_batch} of inputs.json; {@code poolOverAttention} swaps in the attention mask. */
    static TokenizedBatch batch(String name, boolean poolOverAttention) throws IOException {
        JsonNode b = new ObjectMapper().readTree(dir().resolve("inputs.json").toFile()).get(name);
        int rows = b.get("input_ids").size();
        int len = b.get("input_ids").get(0).size();
        long[] ids = flat(b.get("input_ids"), rows, len);
        long[] att = flat(b.get("attention_mask"), rows, len);
        long[] emb = poolOverAttention ? att.clone() : flat(b.get("embed_mask"), rows, len);
        return new TokenizedBatch(rows, len, ids, att, emb);
    }

    static TokenizedBatch batch(String name) throws IOException {
        return batch(name, false);
    }

    private static long[] flat(JsonNode m, int rows, int len) {
        long[] out = new long[rows * len];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < len; j++) {
                out[i * len + j] = m.get(i).get(j).asLong();
            }
        }
        return out;
    }

    /** The float64 reference {@code f64/<name>}. */
    static double[] expected(String name) {
        try (SafetensorsFile f = SafetensorsFile.open(dir().resolve("expected.safetensors"));
             NDManager m = org.bg2vec.djl.DjlRuntime.newManager()) {
            NDArray a = f.read(m, "f64/" + name, DataType.FLOAT64);
            return a.toDoubleArray();
        }
    }

    /** The README's criterion for activations, pooled outputs, scores: |x − ref| ≤ 1e-5 + 1e-4·|ref|. */
    static void assertClose(String what, double[] ref, float[] actual) {
        assertEquals(ref.length, actual.length, what + ": element count");
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs(actual[i] - ref[i]);
            double allowed = 1e-5 + 1e-4 * Math.abs(ref[i]);
            if (!(err <= allowed)) {
                fail(what + "[" + i + "]: got " + actual[i] + ", expected " + ref[i] + " (err " + err + ")");
            }
            worst = Math.max(worst, err);
        }
        assertTrue(worst < 1e-4, what);
    }

    /** The README's gradient criterion: max|g − ref| ≤ 1e-4 · max|ref| per tensor. */
    static void assertGradClose(String what, double[] ref, float[] actual) {
        assertEquals(ref.length, actual.length, what + ": element count");
        double maxRef = 0;
        double maxErr = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxErr = Math.max(maxErr, Math.abs(actual[i] - ref[i]));
        }
        assertTrue(maxRef > 0, what + ": reference is all zero");
        assertTrue(maxErr <= 1e-4 * maxRef, what + ": max err " + maxErr + " > 1e-4 * " + maxRef);
    }
}
