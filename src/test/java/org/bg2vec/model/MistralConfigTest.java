package org.bg2vec.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MistralConfigTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheFixtureConfig() throws Exception {
        MistralConfig c = MistralConfig.load(TinyMistralFixture.dir().resolve("config.json"));
        assertEquals(1000, c.vocabSize());
        assertEquals(64, c.hiddenSize());
        assertEquals(176, c.intermediateSize());
        assertEquals(2, c.numHiddenLayers());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(16, c.headDim());
        assertEquals(2, c.groupSize());
        assertEquals(1e-5, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertEquals(1, c.bosTokenId());
        assertEquals(2, c.eosTokenId());
        assertNull(c.padTokenId());
        assertNull(c.slidingWindow());
        assertEquals(0.0, c.attentionDropout());
    }

    @Test
    void ignoresUnknownFieldsAndDefaultsOptionalOnes() throws Exception {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, "{\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":2,\"some_new_field\":{\"x\":1},\"eos_token_id\":[5,6]}");
        MistralConfig c = MistralConfig.load(f);
        assertEquals(2, c.numKeyValueHeads(), "kv heads default to the query heads");
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(5, c.eosTokenId());
        MistralConfig back = MistralConfig.fromJson(c.toJson());
        assertEquals(c, back);
    }

    @Test
    void missingOrInvalidRequiredFieldsAreNamed() throws Exception {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, "{\"vocab_size\":10,\"intermediate_size\":16,\"num_hidden_layers\":1,\"num_attention_heads\":2}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MistralConfig.load(f));
        assertTrue(e.getMessage().contains("hidden_size") && e.getMessage().contains(f.toString()), e.getMessage());

        Files.writeString(f, "{\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":2,\"num_key_value_heads\":3}");
        e = assertThrows(IllegalArgumentException.class, () -> MistralConfig.load(f));
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());

        Files.writeString(f, "{\"vocab_size\":\"ten\",\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2}");
        e = assertThrows(IllegalArgumentException.class, () -> MistralConfig.load(f));
        assertTrue(e.getMessage().contains("vocab_size"), e.getMessage());

        Files.writeString(f, "{\"model_type\":\"gpt2\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2}");
        e = assertThrows(IllegalArgumentException.class, () -> MistralConfig.load(f));
        assertTrue(e.getMessage().contains("gpt2"), e.getMessage());
    }
}
