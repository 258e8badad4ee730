package org.bg2vec.prepare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bg2vec.text.CleaningConfig;
import org.bg2vec.text.WikitextCleaner;
import org.bg2vec.tokenize.Llm2VecTokenizer;
import org.bg2vec.tokenize.SentencePieceBpe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-encoding cuts, checked against HF encodings of the results: the ids are the cut text's own encoding, the
 * cut fits, the next word would not, and the Java BPE and HF paths cut every text at the same place.
 */
class TokenBudgetTest {

    static final Path LLAMA2 = Path.of("src/test/resources/tokenizers/llama2/tokenizer.json");
    static Llm2VecTokenizer hf;

    @BeforeAll
    static void load() throws Exception {
        hf = Llm2VecTokenizer.load(LLAMA2, 1 << 20);
    }

    @AfterAll
    static void close() {
        hf.close();
    }

    static List<String> articles() throws Exception {
        String xml = Files.readString(Path.of("data-prep/sample/bgwiki-sample-pages-articles.xml"));
        Matcher m = Pattern.compile("<title>(.*?)</title>\\s*<ns>0</ns>.*?<text[^>]*>(.*?)</text>", Pattern.DOTALL)
                .matcher(xml);
        WikitextCleaner cleaner = new WikitextCleaner(CleaningConfig.defaults());
        List<String> out = new ArrayList<>();
        while (m.find()) {
            String text = String.join("\n", cleaner.clean(m.group(1), m.group(2).replace("&lt;", "<")
                    .replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")).paragraphs()).strip();
            if (!text.isEmpty()) {
                out.add(text);
            }
        }
        return out;
    }

    @Test
    void cutsAreExactMaximalAndTheSameOnTheJavaAndHfPaths() throws Exception {
        PrepareTokenizer fast = PrepareTokenizer.of(hf);
        PrepareTokenizer slow = new PrepareTokenizer(hf, null);
        assertTrue(fast.isFast());
        int cuts = 0;
        for (int max : new int[]{8, 32, 128, 512}) {
            TokenBudget a = new TokenBudget(fast, max);
            TokenBudget b = new TokenBudget(slow, max);
            for (String text : articles()) {
                TokenBudget.Cut cut = a.cut(text);
                TokenBudget.Cut viaHf = b.cut(text);
                assertEquals(viaHf.text(), cut.text(), "same cut on both paths");
                assertArrayEquals(viaHf.ids(), cut.ids());
                assertArrayEquals(hf.encodeIds(cut.text()), cut.ids(), "ids are the cut's own encoding");
                assertTrue(cut.ids().length <= max && text.startsWith(cut.text()) && !cut.text().isEmpty());
                if (cut.text().length() < text.length()) {
                    cuts++;
                    int next = nextBoundary(text, cut.text().length() + 1);
                    assertTrue(hf.encodeIds(text.substring(0, next)).length > max,
                            "the next word does not fit: " + cut.text());
                }
            }
        }
        assertTrue(cuts > 100, "cuts: " + cuts);
    }

    @Test
    void boundariesBpeMergesAcrossAreCheckedByTheirOwnEncoding() {
        // a literal ▁ before a space: "▁▁" merges across the boundary, so the window's tokens are not aligned there
        String text = ("дума▁ ").repeat(60).strip();
        for (int max : new int[]{5, 9, 16, 33}) {
            TokenBudget.Cut cut = new TokenBudget(PrepareTokenizer.of(hf), max).cut(text);
            assertArrayEquals(hf.encodeIds(cut.text()), cut.ids(), cut.text());
            assertTrue(cut.ids().length <= max && !cut.text().isEmpty(), cut.text());
        }
    }

    @Test
    void aFastPathThatDisagreesWithHfStopsTheJob() throws Exception {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(LLAMA2.toFile());
        ((ArrayNode) json.get("model").get("merges")).removeAll(); // no merges: a different tokenizer
        PrepareTokenizer wrong = new PrepareTokenizer(hf, SentencePieceBpe.of(json));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.tokens("the tree"));
        assertTrue(e.getMessage().contains(PrepareTokenizer.FAST_PROPERTY), e.getMessage());
    }

    private static int nextBoundary(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        return text.length();
    }
}
