package org.bg2vec.tokenize;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Llama-2's real tokenizer.json (same SentencePiece-BPE family as Mistral/BgGPT) with Bulgarian text. */
class Llm2VecTokenizerTest {

    static final Path LLAMA2 = Paths.get("src/test/resources/tokenizers/llama2/tokenizer.json");
    static final String BG = "Пловдив е вторият по големина град в България, разположен на двата бряга на река Марица.";
    static Llm2VecTokenizer tok;

    @BeforeAll
    static void load() throws Exception {
        tok = Llm2VecTokenizer.load(LLAMA2, 16);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void summaryAndPadIdComeFromTheFiles() throws Exception {
        assertEquals(32000, tok.vocabSize());
        assertEquals(2L, tok.padId(), "pad = eos </s> (tokenizer_config.json eos_token)");
        assertEquals(1, tok.specialPrefixLength(), "BOS only");
        // sha256sum src/test/resources/tokenizers/llama2/tokenizer.json
        assertEquals("fc4f0bd70b3709312d9d1d9e5ba674794b6bc5abc17429897a540f93882f25fc", TokenizerFiles.sha256(LLAMA2));
    }

    @Test
    void handCheckedIdsWithBosAndNoEos() {
        // ids from tokenizer.json's vocab: <s>=1, ▁Hello=22557, ▁world=1526
        assertArrayEquals(new int[]{1, 22557, 1526}, tok.encodeIds("Hello world"));
    }

    @Test
    void bulgarianIsTruncatedToMaxLengthIncludingBos() throws Exception {
        int[] ids = tok.encodeIds(BG);
        assertEquals(16, ids.length);
        assertEquals(1, ids[0]);
        assertTrue(Arrays.stream(ids).skip(1).noneMatch(i -> i == 1 || i == 2), "no BOS/EOS inside");
        try (Llm2VecTokenizer wide = Llm2VecTokenizer.load(LLAMA2, 512)) {
            int[] full = wide.encodeIds(BG);
            assertTrue(full.length > 16, "Cyrillic takes many pieces: " + full.length);
            assertArrayEquals(Arrays.copyOf(full, 16), ids, "truncation keeps the first tokens");
            assertEquals(full.length - 1, wide.countTokens(BG));
        }
    }

    @Test
    void byteFallbackForRareCharacters() throws Exception {
        try (Llm2VecTokenizer wide = Llm2VecTokenizer.load(LLAMA2, 64)) {
            int[] ids = wide.encodeIds("ꙮ");
            // U+A66E (not in the vocab) = EA 99 AE in UTF-8 -> byte pieces <0xEA>=237 <0x99>=156 <0xAE>=177
            // (ids looked up in tokenizer.json), after the metaspace piece
            int[] tail = Arrays.copyOfRange(ids, ids.length - 3, ids.length);
            assertArrayEquals(new int[]{237, 156, 177}, tail, Arrays.toString(ids));
        }
    }

    @Test
    void batchIsLeftPaddedWithEosAndPoolsTextTokensOnly() {
        TokenizedBatch b = tok.tokenize(List.of("Hello world", "Hello"));
        assertEquals(2, b.batchSize());
        assertEquals(3, b.length());
        assertArrayEquals(new long[]{1, 22557, 1526, 2, 1, 22557}, b.inputIds());
        assertArrayEquals(new long[]{1, 1, 1, 0, 1, 1}, b.attentionMask());
        assertArrayEquals(new long[]{0, 1, 1, 0, 0, 1}, b.embedMask(), "no BOS, no pads");
    }

    @Test
    void instructionIsInTheRowButNotPooled() {
        String s = Llm2VecTokenizer.withInstruction("  Retrieve ", "Hello world");
        assertEquals("Retrieve !@#$%^&*()Hello world", s);
        TokenizedBatch b = tok.tokenize(List.of(s));
        // "Retrieve Hello world" -> <s> ▁Ret(8337) rieve(12891) ▁Hello ▁world
        assertArrayEquals(new long[]{1, 8337, 12891, 22557, 1526}, b.inputIds());
        assertArrayEquals(new long[]{0, 0, 0, 1, 1}, b.embedMask());
    }

    @Test
    void aTextLongerThanTheRowPoolsTheWholeRowAsLlm2VecDoes() {
        assertTrue(tok.countTokens(BG) > 16, "the text is cut");
        TokenizedBatch b = tok.tokenize(List.of(BG));
        assertEquals(16, b.length());
        // llm2vec: embed_mask[-n:] = 1 with n = len(tokenizer(text, max_length=16, no special tokens)) = 16
        assertEquals(1L, b.embedMask()[0], "BOS is pooled when the text fills the row");
        assertEquals(16, Arrays.stream(b.embedMask()).sum());

        TokenizedBatch withInstruction = tok.tokenize(List.of(Llm2VecTokenizer.withInstruction("Retrieve", BG)));
        assertEquals(16, Arrays.stream(withInstruction.embedMask()).sum(), "and so are the instruction's tokens");
        assertEquals(8337L, withInstruction.inputIds()[1], "the row starts with the instruction, cut at the right");
    }

    @Test
    void theTextPartIsWhatLiesBetweenTheFirstTwoSeparators() {
        TokenizedBatch b = tok.tokenize(List.of("Retrieve !@#$%^&*()Hello!@#$%^&*() world"));
        // row: "Retrieve Hello world"; pooled: "Hello" alone
        assertArrayEquals(new long[]{1, 8337, 12891, 22557, 1526}, b.inputIds());
        assertArrayEquals(new long[]{0, 0, 0, 0, 1}, b.embedMask());
    }

    @Test
    void collatesPretokenizedRows() {
        TokenizedBatch b = tok.collate(List.of(new int[]{1, 5, 6, 7}, new int[]{1, 9}));
        assertArrayEquals(new long[]{1, 5, 6, 7, 2, 2, 1, 9}, b.inputIds());
        assertArrayEquals(new long[]{0, 1, 1, 1, 0, 0, 0, 1}, b.embedMask());
        assertEquals(6, b.totalRealTokens());
    }

    @Test
    void missingTokenizerIsAClearError() {
        Exception e = assertThrows(java.io.IOException.class,
                () -> Llm2VecTokenizer.load(Paths.get("no/such/tokenizer.json"), 8));
        assertTrue(e.getMessage().contains("no/such/tokenizer.json"), e.getMessage());
    }
}
