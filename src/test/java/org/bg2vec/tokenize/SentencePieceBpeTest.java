package org.bg2vec.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bg2vec.text.CleaningConfig;
import org.bg2vec.text.WikitextCleaner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java BPE gives exactly HF's ids (through DJL) and HF's token start offsets on the Llama-2 tokenizer (the
 * SentencePiece-BPE family of Mistral/BgGPT): raw wikitext and cleaned articles of the bundled sample, their
 * prefixes, random mixes of scripts, whitespace, emoji, byte-fallback and markup characters.
 */
class SentencePieceBpeTest {

    static final Path LLAMA2 = Path.of("src/test/resources/tokenizers/llama2/tokenizer.json");
    static final Path SAMPLE = Path.of("data-prep/sample/bgwiki-sample-pages-articles.xml");
    static Llm2VecTokenizer hf;
    static SentencePieceBpe bpe;
    static JsonNode json;

    @BeforeAll
    static void load() throws Exception {
        hf = Llm2VecTokenizer.load(LLAMA2, 1 << 20);
        json = new ObjectMapper().readTree(LLAMA2.toFile());
        bpe = SentencePieceBpe.of(json);
        assertNotNull(bpe, SentencePieceBpe.unsupported(json));
    }

    @AfterAll
    static void close() {
        hf.close();
    }

    /** Asserts the fast encoding equals HF's ids and starts; returns whether the fast path took the text. */
    static boolean assertSameAsHf(String text, SentencePieceBpe.Tokens out) {
        if (!bpe.encode(text, out)) {
            return false;
        }
        Llm2VecTokenizer.TextTokens expected = hf.textTokens(text);
        int[] ids = new int[out.count()];
        int[] starts = new int[out.count()];
        for (int i = 0; i < out.count(); i++) {
            ids[i] = out.id(i);
            starts[i] = out.start(i);
        }
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        assertArrayEquals(expected.ids(), ids, () -> "ids of '" + shown + "'");
        assertArrayEquals(expected.starts(), starts, () -> "starts of '" + shown + "'");
        return true;
    }

    static List<String> sampleTexts() throws Exception {
        String xml = Files.readString(SAMPLE);
        Matcher m = Pattern.compile("<title>(.*?)</title>.*?<text[^>]*>(.*?)</text>", Pattern.DOTALL).matcher(xml);
        WikitextCleaner cleaner = new WikitextCleaner(CleaningConfig.defaults());
        List<String> out = new ArrayList<>();
        while (m.find()) {
            String wikitext = m.group(2).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                    .replace("&amp;", "&");
            out.add(wikitext);
            out.add(String.join("\n", cleaner.clean(m.group(1), wikitext).paragraphs()));
        }
        return out;
    }

    @Test
    void anEncodingThatStopsEarlyIsHfsEncodingOfAWordPrefixAndTheStartOfTheWholeText() throws Exception {
        assertTrue(bpe.splitsAtWords());
        SentencePieceBpe.Tokens whole = new SentencePieceBpe.Tokens();
        SentencePieceBpe.Tokens part = new SentencePieceBpe.Tokens();
        int stopped = 0;
        for (String t : sampleTexts()) {
            for (int n : new int[]{0, 1, 7, 127}) {
                if (!bpe.encode(t, whole) || !bpe.encode(t, part, n)) {
                    continue;
                }
                assertEquals(t.length(), whole.length());
                if (part.length() < t.length()) {
                    stopped++;
                    assertTrue(part.count() > n, "stops only after token #n");
                    assertTrue(t.charAt(part.length()) == ' ' || t.charAt(part.length()) == '\u2581', "stops at a word");
                    assertTrue(part.count() <= whole.count());
                    assertSameAsHf(t.substring(0, part.length()), whole); // the prefix's own encoding...
                    bpe.encode(t, whole);
                } else {
                    assertTrue(part.count() == whole.count());
                }
                for (int i = 0; i < part.count(); i++) { // ...and the start of the whole text's
                    assertEquals(whole.id(i), part.id(i));
                    assertEquals(whole.start(i), part.start(i));
                }
            }
        }
        assertTrue(stopped > 50, stopped + " texts stopped early");
    }

    @Test
    void sampleArticlesAndTheirPrefixesGiveHfIdsAndOffsets() throws Exception {
        SentencePieceBpe.Tokens out = new SentencePieceBpe.Tokens();
        int taken = 0;
        int texts = 0;
        Random r = new Random(1);
        for (String t : sampleTexts()) {
            texts++;
            taken += assertSameAsHf(t, out) ? 1 : 0;
            for (int k = 0; k < 5 && !t.isEmpty(); k++) {
                int cut = r.nextInt(t.length());
                if (Character.isLowSurrogate(t.charAt(cut))) {
                    cut--;
                }
                assertSameAsHf(t.substring(0, cut), out);
            }
        }
        assertTrue(texts > 60, "texts: " + texts);
        assertTrue(taken >= texts - 2, "the fast path takes (almost) every sample text: " + taken + "/" + texts);
    }

    @Test
    void randomMixesOfScriptsWhitespaceAndRareCharactersGiveHfIds() {
        String[] pieces = {"а", "б", "ъ", "ѝ", "ѐ", "Щ", "е", "и", "a", "Z", "q", "0", "7", " ", " ", " ", "  ", "\n",
            "\t", "\r\n", ".", ",", "—", "«", "»", "(", ")", "[[", "]]", "{{", "|", "'''", "😀", "𝔸", "中文", "ß",
            "é", "ﬁ", "\u00a0", "\u200b", "▁", "▁▁", "&", "%", "<", ">", "София", "планина", " the", "ing", "≈"};
        Random r = new Random(42);
        SentencePieceBpe.Tokens out = new SentencePieceBpe.Tokens();
        int taken = 0;
        for (int n = 0; n < 3000; n++) {
            StringBuilder b = new StringBuilder();
            int len = 1 + r.nextInt(60);
            for (int i = 0; i < len; i++) {
                b.append(pieces[r.nextInt(pieces.length)]);
            }
            taken += assertSameAsHf(b.toString(), out) ? 1 : 0;
        }
        assertEquals(3000, taken, "no added tokens and every byte token exists: the fast path takes all");
    }

    @Test
    void textsWithAddedTokensOrLoneSurrogatesGoToHf() {
        SentencePieceBpe.Tokens out = new SentencePieceBpe.Tokens();
        assertFalse(bpe.encode("текст <s> с токен", out));
        assertFalse(bpe.encode("край</s>", out));
        assertFalse(bpe.encode("счупен \ud83d знак", out));
        assertFalse(bpe.encode("\ude00", out));
        assertTrue(bpe.encode("a < b > c", out));
        assertTrue(bpe.encode("", out));
        assertEquals(0, out.count());
    }

    @Test
    void otherPipelinesAreNotClaimed() {
        ObjectNode metaspace = json.deepCopy();
        metaspace.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "▁");
        assertNull(SentencePieceBpe.of(metaspace));
        assertEquals("has a pre_tokenizer", SentencePieceBpe.unsupported(metaspace));
        ObjectNode lower = json.deepCopy();
        ((ObjectNode) lower.get("normalizer").get("normalizers").get(1)).put("content", "_");
        assertNull(SentencePieceBpe.of(lower));
        ObjectNode dropout = json.deepCopy();
        ((ObjectNode) dropout.get("model")).put("dropout", 0.1);
        assertNull(SentencePieceBpe.of(dropout));
        ObjectNode wordPiece = json.deepCopy();
        ((ObjectNode) wordPiece.get("model")).put("type", "WordPiece");
        assertNull(SentencePieceBpe.of(wordPiece));
    }

    @Test
    void aMergeAcrossWordsTurnsTheWordCacheOffAndStillMatchesHf(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        ObjectNode joined = json.deepCopy();
        ((ObjectNode) joined.get("model").get("vocab")).put("а▁", 32000);
        ((ObjectNode) joined.get("model").get("vocab")).put("а▁▁", 32001);
        ((com.fasterxml.jackson.databind.node.ArrayNode) joined.get("model").get("merges"))
                .insert(0, "а ▁").insert(1, "а▁ ▁");
        Path file = dir.resolve("tokenizer.json");
        new ObjectMapper().writeValue(file.toFile(), joined);
        SentencePieceBpe whole = SentencePieceBpe.of(joined);
        assertNotNull(whole);
        Random r = new Random(7);
        String[] pieces = {"а", "а ", " а", "  ", "б", "ва", " ", "\n", "▁"};
        try (Llm2VecTokenizer joinedHf = Llm2VecTokenizer.load(file, 1 << 20)) {
            SentencePieceBpe.Tokens out = new SentencePieceBpe.Tokens();
            int merged = 0;
            for (int n = 0; n < 500; n++) {
                StringBuilder b = new StringBuilder();
                for (int i = 0, len = 1 + r.nextInt(30); i < len; i++) {
                    b.append(pieces[r.nextInt(pieces.length)]);
                }
                String text = b.toString();
                assertTrue(whole.encode(text, out));
                int[] ids = new int[out.count()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = out.id(i);
                    merged += ids[i] >= 32000 ? 1 : 0;
                }
                assertArrayEquals(joinedHf.textTokens(text).ids(), ids, text);
            }
            assertTrue(merged > 50, "the word-joining merges were used: " + merged);
        }
    }

    @Test
    void mergeHeapPopsByRankThenPosition() {
        MergeHeap h = new MergeHeap();
        int[][] entries = {{5, 3}, {1, 9}, {5, 1}, {1, 2}, {0, 7}, {5, 2}, {3, 0}};
        for (int[] e : entries) {
            h.push(e[0], e[1], e[0] * 100 + e[1]);
        }
        List<String> popped = new ArrayList<>();
        while (!h.isEmpty()) {
            popped.add((h.peekKey() >>> 32) + ":" + (int) h.peekKey() + ":" + h.peekNewId());
            h.pop();
        }
        assertEquals(Arrays.asList("0:7:7", "1:2:102", "1:9:109", "3:0:300", "5:1:501", "5:2:502", "5:3:503"),
                popped);
    }

    /**
     * One encoder (its word cache filled, emptied when full and filled again) gives the tokens a fresh encoder gives,
     * for texts of more distinct words than the cache holds, each text encoded twice (the second time from the cache).
     */
    @Test
    void aTextsFirstWordIsCachedApartFromTheSameCharactersLaterInAText() {
        // " дума" first gets a ▁ of its own before its space (▁▁дума); later in a text it is ▁дума. One Tokens, so
        // one cache, encodes each text, the same words first and not first, in both orders, twice; HF decides.
        SentencePieceBpe.Tokens out = new SentencePieceBpe.Tokens();
        String[] texts = {" дума дума", "дума дума", " дума", "дума", "x дума", "x  дума", "  дума дума", " дума",
            "дума", "Пловдив е град. Пловдив", " Пловдив", "Пловдив"};
        for (int round = 0; round < 2; round++) {
            for (String text : texts) {
                assertTrue(assertSameAsHf(text, out), text);
            }
        }
    }

    @Test
    void theWordCacheGivesWhatEncodingEachTextAfreshGives() {
        Random r = new Random(8);
        SentencePieceBpe.Tokens reused = new SentencePieceBpe.Tokens();
        String letters = "абвгдежзийклмнопрстуфхцчшщъьюяabcdefxyz0123456789";
        for (int t = 0; t < 300; t++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 400; w++) {
                sb.append(' ');
                for (int c = 1 + r.nextInt(12); c > 0; c--) {
                    sb.append(letters.charAt(r.nextInt(letters.length())));
                }
            }
            String text = sb.toString();
            SentencePieceBpe.Tokens fresh = new SentencePieceBpe.Tokens();
            assertTrue(bpe.encode(text, fresh));
            for (int round = 0; round < 2; round++) {
                assertTrue(bpe.encode(text, reused));
                assertEquals(fresh.count(), reused.count(), "text " + t);
                for (int i = 0; i < fresh.count(); i++) {
                    assertEquals(fresh.id(i), reused.id(i), "text " + t + " token " + i);
                    assertEquals(fresh.start(i), reused.start(i), "text " + t + " token " + i);
                }
            }
        }
    }
}
