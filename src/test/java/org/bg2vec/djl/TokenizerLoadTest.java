package org.bg2vec.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerLoadTest {

    static final Path LLAMA2 = Paths.get("src/test/resources/tokenizers/llama2/tokenizer.json");

    @Test
    void llama2TokenizerLoadsOfflineAndEncodesWithBos() throws Exception {
        DjlRuntime.engine();
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(LLAMA2,
                Map.of("truncation", "false", "padding", "false"))) {
            Encoding enc = tok.encode("Hello world");
            // ids looked up in tokenizer.json's model.vocab: <s>=1, "▁Hello"=22557, "▁world"=1526
            assertArrayEquals(new long[]{1, 22557, 1526}, enc.getIds());
            Encoding bg = tok.encode("София е столицата на България.");
            assertEquals(1L, bg.getIds()[0], "BOS first");
            assertTrue(bg.getIds().length > 6, "Cyrillic words split into several pieces");
            assertEquals("София е столицата на България.", tok.decode(bg.getIds(), true));
        }
    }
}
