package org.bg2vec.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import org.bg2vec.djl.DjlRuntime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A HuggingFace tokenizer with LLM2Vec's semantics: the tokenizer's special prefix (BOS) first, no
 * EOS, at most {@code maxLength} ids including BOS, left padding with pad = eos, and the
 * {@value #INSTRUCTION_SEPARATOR} instruction separator with its embed (pooling) mask.
 *
 * <p>DJL's tokenizer truncates to 512 and pads with id 0 unless told otherwise: we switch both off
 * and truncate/pad here, explicitly.
 *
 * <p>{@link #tokenize} is {@code LLM2Vec.tokenize} exactly: the row is BOS + the text with the instruction
 * and without the separator, cut at the right end to {@code maxLength} ids; the last {@code n} positions are
 * pooled, where {@code n} is the number of tokens of the text on its own, capped at {@code maxLength}. So a
 * text longer than the row pools the whole row, BOS and instruction included, as llm2vec does (its
 * embeddings are what users compare with). Training does not go through here: prepared rows are never cut,
 * and {@link #collate} pools everything after BOS.
 */
public final class Llm2VecTokenizer implements AutoCloseable {

    public static final String INSTRUCTION_SEPARATOR = "!@#$%^&*()";

    private final HuggingFaceTokenizer tokenizer;
    private final Path path;
    private final int maxLength;
    private final long padId;
    private final int vocabSize;
    private final long[] specialPrefix;

    private Llm2VecTokenizer(HuggingFaceTokenizer tokenizer, Path path, int maxLength, long padId, int vocabSize) {
        this.tokenizer = tokenizer;
        this.path = path;
        this.maxLength = maxLength;
        this.padId = padId;
        this.vocabSize = vocabSize;
        this.specialPrefix = detectSpecialPrefix(tokenizer);
        if (specialPrefix.length >= maxLength) {
            throw new IllegalArgumentException("max length " + maxLength + " leaves no room for text after "
                    + specialPrefix.length + " special prefix token(s)");
        }
    }

    /** Loads {@code tokenizer.json}; the pad id is found as LLM2Vec does (pad token, else eos). */
    public static Llm2VecTokenizer load(Path tokenizerJson, int maxLength) throws IOException {
        TokenizerFiles.Summary s = TokenizerFiles.summary(tokenizerJson);
        return load(tokenizerJson, maxLength, TokenizerFiles.llm2vecPadId(tokenizerJson, s), s);
    }

    /** Loads {@code tokenizer.json} with an explicit pad id (e.g. the model config's eos_token_id). */
    public static Llm2VecTokenizer load(Path tokenizerJson, int maxLength, long padId) throws IOException {
        return load(tokenizerJson, maxLength, padId, TokenizerFiles.summary(tokenizerJson));
    }

    private static Llm2VecTokenizer load(Path tokenizerJson, int maxLength, long padId, TokenizerFiles.Summary s)
            throws IOException {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max length must be at least 2, got " + maxLength);
        }
        DjlRuntime.configureOffline();
        HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                "truncation", "false", "padding", "false", "addSpecialTokens", "true"));
        return new Llm2VecTokenizer(tok, tokenizerJson, maxLength, padId, s.vocabSize());
    }

    /** The ids the tokenizer adds before a text (BOS for Mistral/Llama), found by encoding a probe. */
    private static long[] detectSpecialPrefix(HuggingFaceTokenizer tok) {
        long[] with = tok.encode("a", true, false).getIds();
        long[] without = tok.encode("a", false, false).getIds();
        for (int start = 0; start + without.length <= with.length; start++) {
            if (Arrays.equals(Arrays.copyOfRange(with, start, start + without.length), without)) {
                return Arrays.copyOfRange(with, 0, start);
            }
        }
        throw new IllegalStateException("cannot locate the text inside the tokenizer's special-token template");
    }

    /** LLM2Vec ids of one text: special prefix (BOS), then the text, at most {@code maxLength} in all; no EOS. */
    public int[] encodeIds(String text) {
        long[] textIds = textIds(text, maxLength - specialPrefix.length);
        int[] out = new int[specialPrefix.length + textIds.length];
        for (int i = 0; i < specialPrefix.length; i++) {
            out[i] = Math.toIntExact(specialPrefix[i]);
        }
        for (int i = 0; i < textIds.length; i++) {
            out[specialPrefix.length + i] = Math.toIntExact(textIds[i]);
        }
        return out;
    }

    /** Number of text tokens (no special tokens), untruncated. */
    public int countTokens(String text) {
        return tok(text).length;
    }

    /**
     * LLM2Vec's {@code tokenize}: each text may be {@code "instruction !@#$%^&*()text"}; the row holds the
     * parts joined without the separator (cut to {@code maxLength} ids with BOS), and the last
     * {@code min(tokens of the text part, maxLength)} positions are pooled. As in llm2vec the text part is what
     * lies between the first and a second separator; a text without any separator is pooled whole (the form
     * llm2vec's {@code encode} gives a text without instruction).
     */
    public TokenizedBatch tokenize(List<String> texts) {
        List<int[]> rows = new ArrayList<>(texts.size());
        int[] pooled = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            String[] parts = texts.get(i).split(java.util.regex.Pattern.quote(INSTRUCTION_SEPARATOR), -1);
            String text = parts.length > 1 ? parts[1] : texts.get(i);
            rows.add(encodeIds(String.join("", parts)));
            pooled[i] = Math.min(tok(text).length, maxLength);
        }
        return LeftPaddingCollator.collate(rows, pooled, padId);
    }

    /** llm2vec's {@code _convert_to_str} without doc_max_length cutting: "instruction !@#$%^&*()text". */
    public static String withInstruction(String instruction, String text) {
        String ins = instruction == null ? "" : instruction.strip();
        return ins.isEmpty() ? INSTRUCTION_SEPARATOR + text : ins + " " + INSTRUCTION_SEPARATOR + text;
    }

    /** Collates already tokenized LLM2Vec rows (special prefix first): everything after the prefix is pooled. */
    public TokenizedBatch collate(List<int[]> rows) {
        return LeftPaddingCollator.collateSkippingPrefix(rows, specialPrefix.length, padId);
    }

    /**
     * The ids of a text's tokens (no special tokens, untruncated) with the char index (UTF-16) where each token
     * starts in the text, from HF's offsets.
     */
    public TextTokens textTokens(String text) {
        if (text.isEmpty()) {
            return new TextTokens(new int[0], new int[0]);
        }
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, false);
        try {
            long[] ids = TokenizersLibrary.LIB.getTokenIds(encoding);
            CharSpan[] spans = TokenizersLibrary.LIB.getTokenCharSpans(encoding);
            int[] outIds = new int[ids.length];
            int[] starts = new int[ids.length];
            int[] utf16 = utf16Index(text);
            for (int i = 0; i < ids.length; i++) {
                outIds[i] = Math.toIntExact(ids[i]);
                int cp = spans[i] == null ? 0 : spans[i].getStart(); // HF counts code points
                starts[i] = utf16 == null ? cp : utf16[cp];
            }
            return new TextTokens(outIds, starts);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    /** A text's tokens: {@code ids[i]} starts at char {@code starts[i]}. */
    public record TextTokens(int[] ids, int[] starts) {
    }

    /** UTF-16 index of each code point index (and of the end), or null when the text has no surrogates. */
    private static int[] utf16Index(String text) {
        int points = text.codePointCount(0, text.length());
        if (points == text.length()) {
            return null;
        }
        int[] out = new int[points + 1];
        for (int i = 0, p = 0; i < text.length(); i += Character.charCount(text.codePointAt(i)), p++) {
            out[p] = i;
        }
        out[points] = text.length();
        return out;
    }

    private long[] textIds(String text, int limit) {
        long[] ids = tok(text);
        return ids.length <= limit ? ids : Arrays.copyOf(ids, limit);
    }

    private long[] tok(String text) {
        if (text.isEmpty()) {
            return new long[0];
        }
        // ids only: DJL's Encoding would also copy tokens, offsets, masks and type ids (3x the cost)
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, false);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    public long padId() {
        return padId;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Number of special tokens the tokenizer puts before the text (1 = BOS for Mistral/Llama). */
    public int specialPrefixLength() {
        return specialPrefix.length;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
