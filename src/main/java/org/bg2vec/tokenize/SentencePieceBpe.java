package org.bg2vec.tokenize;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A Java re-implementation of one HuggingFace tokenizers pipeline, the one of Llama-2 / Mistral-7B-v0.1 (and so
 * BgGPT) {@code tokenizer.json} files: normalizer {@code Sequence[Prepend("▁"), Replace(" ", "▁")]}, no
 * pre-tokenizer, a {@code BPE} model (optionally with byte fallback). The merge loop follows the tokenizers
 * crate's {@code Word::merge_all} step by step (a min-heap of merges by rank, then position; entries made stale
 * by earlier merges are skipped), so the ids are the ones HF gives; tests compare both on many texts and
 * {@code prepare} re-checks a sample of texts against HF while it runs.
 *
 * <p>Why: prepare tokenizes every article, and through DJL's JNI each encoding costs about 0.25 µs per character
 * plus the Rust side's offsets, strings and masks; this loop costs a fraction of that. It also returns where
 * each token starts in the text, which lets prepare cut an article at a word boundary from one encoding.
 *
 * <p>Texts this class does not reproduce are refused ({@link #encode} returns false) and must go to HF: a text
 * containing an added token's content (HF splits those out first), a character with neither a vocabulary entry
 * nor byte-fallback tokens (HF would emit and fuse unknown tokens), a lone surrogate. {@link #of} returns null
 * for any other {@code tokenizer.json} pipeline. Immutable and thread-safe; {@link Tokens} is per thread.
 */
public final class SentencePieceBpe {

    /** The meta space that replaces ' ' and starts every text. */
    static final char META_SPACE = '\u2581';

    private final int[] bmpIds;
    private final Map<Integer, Integer> supplementaryIds;
    private final int[] byteIds;
    private final MergeTable merges;
    /** Whether BPE factorizes at word starts (see {@link #nextWord}): then words are encoded alone and cached. */
    private final boolean splitsAtWords;
    /** Added tokens HF may split out of the raw text, and the first characters they can start with. */
    private final List<String> addedContents;
    private final boolean[] addedFirstChar = new boolean[1 << 16];
    /** Added tokens with a space or ▁ in them, normalized: they may also match in "▁" + text with ▁ spaces. */
    private final List<String> addedWithSpaces = new ArrayList<>();

    private SentencePieceBpe(Map<String, Integer> vocab, MergeTable merges, boolean splitsAtWords,
                             List<String> addedContents) {
        this.bmpIds = new int[1 << 16];
        java.util.Arrays.fill(bmpIds, -1);
        this.supplementaryIds = new HashMap<>();
        this.byteIds = new int[256];
        java.util.Arrays.fill(byteIds, -1);
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String piece = e.getKey();
            if (piece.length() == 1) {
                bmpIds[piece.charAt(0)] = e.getValue();
            } else if (piece.length() == 2 && Character.isSurrogatePair(piece.charAt(0), piece.charAt(1))) {
                supplementaryIds.put(piece.codePointAt(0), e.getValue());
            }
        }
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.format("<0x%02X>", b));
            byteIds[b] = id == null ? -1 : id;
        }
        this.merges = merges;
        this.splitsAtWords = splitsAtWords && vocab.containsKey(String.valueOf(META_SPACE));
        this.addedContents = addedContents.stream().filter(c -> !c.isEmpty()).toList();
        for (String c : this.addedContents) {
            addedFirstChar[c.charAt(0)] = true;
            if (c.indexOf(' ') >= 0 || c.indexOf(META_SPACE) >= 0) {
                addedWithSpaces.add(c.replace(' ', META_SPACE));
            }
        }
    }

    /** The fast encoder of a parsed {@code tokenizer.json}, or null when its pipeline is not the one above. */
    public static SentencePieceBpe of(JsonNode tokenizer) {
        if (unsupported(tokenizer) != null) {
            return null;
        }
        JsonNode model = tokenizer.get("model");
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        MergeTable merges = new MergeTable(model.get("merges").size());
        int rank = 0;
        boolean joinsWords = false;
        for (JsonNode m : model.get("merges")) {
            String a;
            String b;
            if (m.isArray()) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else {
                String[] parts = m.asText().split(" ", -1);
                if (parts.length != 2) {
                    return null;
                }
                a = parts[0];
                b = parts[1];
            }
            if (a.isEmpty() || b.isEmpty()) {
                return null;
            }
            Integer aId = vocab.get(a);
            Integer bId = vocab.get(b);
            Integer merged = vocab.get(a + b);
            if (aId == null || bId == null || merged == null) {
                return null; // HF refuses such a file; never guess
            }
            merges.put(aId, bId, rank++, merged); // a pair listed twice keeps its last rank, as in HF
            joinsWords |= b.charAt(0) == META_SPACE && a.charAt(a.length() - 1) != META_SPACE;
        }
        List<String> added = new ArrayList<>();
        for (JsonNode t : tokenizer.path("added_tokens")) {
            added.add(t.path("content").asText());
        }
        return new SentencePieceBpe(vocab, merges, !joinsWords, added);
    }

    /** Why a tokenizer.json is not handled here, or null when it is. */
    public static String unsupported(JsonNode tokenizer) {
        JsonNode model = tokenizer.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            return "model is not BPE";
        }
        if (!model.path("dropout").isNull() && !model.path("dropout").isMissingNode()
                && model.path("dropout").asDouble() != 0) {
            return "BPE dropout";
        }
        if (!model.path("continuing_subword_prefix").asText("").isEmpty()
                || !model.path("end_of_word_suffix").asText("").isEmpty()) {
            return "subword prefix/suffix";
        }
        if (model.path("ignore_merges").asBoolean(false)) {
            return "ignore_merges";
        }
        if (!model.path("vocab").isObject() || !model.path("merges").isArray()) {
            return "no vocab/merges";
        }
        JsonNode pre = tokenizer.path("pre_tokenizer");
        if (!pre.isNull() && !pre.isMissingNode()) {
            return "has a pre_tokenizer";
        }
        JsonNode norm = tokenizer.path("normalizer");
        JsonNode steps = norm.path("normalizers");
        if (!"Sequence".equals(norm.path("type").asText()) || steps.size() != 2
                || !"Prepend".equals(steps.get(0).path("type").asText())
                || !String.valueOf(META_SPACE).equals(steps.get(0).path("prepend").asText())
                || !"Replace".equals(steps.get(1).path("type").asText())
                || !" ".equals(steps.get(1).path("pattern").path("String").asText(null))
                || !String.valueOf(META_SPACE).equals(steps.get(1).path("content").asText())) {
            return "normalizer is not Sequence[Prepend(▁), Replace(' ', ▁)]";
        }
        return null;
    }

    /**
     * Encodes a text (no special tokens) into {@code out}: its ids and where each token starts in {@code text}.
     *
     * @return false when the text must be encoded by HF instead (see the class comment); {@code out} is then
     *         undefined
     */
    public boolean encode(String text, Tokens out) {
        return encode(text, out, Integer.MAX_VALUE);
    }

    /**
     * Encodes the start of a text: word after word (when {@link #splitsAtWords()}; else the whole text) until more
     * than {@code maxTokens} tokens are out or the text ends. {@link Tokens#length()} says how many characters
     * were encoded; the tokens are both that prefix's own encoding and the first tokens of the whole text's.
     *
     * @return false when the text must be encoded by HF instead (see the class comment)
     */
    public boolean encode(String text, Tokens out, int maxTokens) {
        out.clear();
        if (text.isEmpty()) {
            return true;
        }
        if (containsAddedToken(text)) {
            return false;
        }
        if (!splitsAtWords) {
            out.length = text.length();
            return piece(text, 0, text.length(), true, out);
        }
        int end = nextWord(text, 0, out);
        if (!cachedPiece(text, 0, end, true, out)) {
            return false;
        }
        for (int start = end; start < text.length() && out.count <= maxTokens; start = end) {
            end = nextWord(text, start, out);
            if (!cachedPiece(text, start, end, false, out)) {
                return false;
            }
        }
        out.length = end;
        return true;
    }

    /**
     * Whether BPE factorizes at word starts for this vocabulary (no merge joins a token ending in another
     * character to one starting with ▁): then {@link #encode(String, Tokens, int)} stops early, and words are
     * cached.
     */
    public boolean splitsAtWords() {
        return splitsAtWords;
    }

    /**
     * Where the word starting at {@code from} ends: at the next space (or literal ▁) that follows another
     * character. BPE never merges across such a point when {@link #splitsAtWords} (no merge joins a token that
     * ends in another character to one that starts with ▁), so each word can be encoded, and cached, alone. The
     * word's {@link WordCache#hash} is left in {@code out.wordHash} (one pass over its characters for both).
     */
    private static int nextWord(String text, int from, Tokens out) {
        char prev = text.charAt(from);
        int h = WordCache.hash(0, prev);
        for (int i = from + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == ' ' || c == META_SPACE) && prev != ' ' && prev != META_SPACE) {
                out.wordHash = h;
                return i;
            }
            h = WordCache.hash(h, c);
            prev = c;
        }
        out.wordHash = h;
        return text.length();
    }

    /** A word ({@code first}: the text's first, after a ▁ of its own): from the thread's cache when seen before. */
    private boolean cachedPiece(String text, int start, int end, boolean first, Tokens out) {
        int hash = out.wordHash;
        int at = out.cache.find(text, start, end, hash, first);
        if (at < 0) {
            int before = out.count;
            if (!piece(text, start, end, first, out)) {
                return false;
            }
            int n = out.count - before;
            int[] tokens = new int[2 * n];
            for (int i = 0; i < n; i++) {
                tokens[i] = out.outIds[before + i];
                tokens[n + i] = out.outStarts[before + i] - start;
            }
            out.cache.put(text, start, end, hash, first, tokens);
            return true;
        }
        int[] pool = out.cache.pool();
        int n = pool[at];
        for (int i = 0; i < n; i++) {
            out.append(pool[at + 1 + i], start + pool[at + 1 + n + i]);
        }
        return true;
    }

    /** BPE of {@code text[start, end)} (spaces as ▁, after a ▁ when {@code first}); appends its tokens. */
    private boolean piece(String text, int start, int end, boolean first, Tokens out) {
        out.size = 0;
        if (!initialSymbols(text, start, end, first, out)) {
            return false;
        }
        mergeAll(out);
        out.collect();
        return true;
    }

    private boolean containsAddedToken(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (addedFirstChar[text.charAt(i)]) {
                for (String a : addedContents) {
                    if (text.startsWith(a, i)) {
                        return true;
                    }
                }
            }
        }
        if (!addedWithSpaces.isEmpty()) {
            String normalized = META_SPACE + text.replace(' ', META_SPACE);
            for (String a : addedWithSpaces) {
                if (normalized.contains(a)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One symbol per character of the piece (spaces as ▁), or its UTF-8 byte tokens when not in the vocab. */
    private boolean initialSymbols(String text, int start, int end, boolean first, Tokens out) {
        if (first && !addChar(META_SPACE, start, out)) {
            return false;
        }
        for (int i = start; i < end; ) {
            char c = text.charAt(i);
            int cp;
            int width = 1;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= end || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                cp = Character.toCodePoint(c, text.charAt(i + 1));
                width = 2;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            } else {
                cp = c == ' ' ? META_SPACE : c;
            }
            if (!addChar(cp, i, out)) {
                return false;
            }
            i += width;
        }
        return true;
    }

    private boolean addChar(int cp, int start, Tokens out) {
        int id;
        if (cp < (1 << 16)) {
            id = bmpIds[cp];
        } else {
            Integer s = supplementaryIds.get(cp);
            id = s == null ? -1 : s;
        }
        if (id >= 0) {
            out.addSymbol(id, start);
            return true;
        }
        int n = utf8(cp, out.bytes);
        for (int k = 0; k < n; k++) {
            if (byteIds[out.bytes[k]] < 0) {
                return false; // HF would emit an unknown token
            }
        }
        for (int k = 0; k < n; k++) {
            out.addSymbol(byteIds[out.bytes[k]], start);
        }
        return true;
    }

    /** The UTF-8 bytes of a code point into {@code b}; returns how many. */
    static int utf8(int cp, int[] b) {
        if (cp < 0x80) {
            b[0] = cp;
            return 1;
        }
        if (cp < 0x800) {
            b[0] = 0xC0 | (cp >> 6);
            b[1] = 0x80 | (cp & 0x3F);
            return 2;
        }
        if (cp < 0x10000) {
            b[0] = 0xE0 | (cp >> 12);
            b[1] = 0x80 | ((cp >> 6) & 0x3F);
            b[2] = 0x80 | (cp & 0x3F);
            return 3;
        }
        b[0] = 0xF0 | (cp >> 18);
        b[1] = 0x80 | ((cp >> 12) & 0x3F);
        b[2] = 0x80 | ((cp >> 6) & 0x3F);
        b[3] = 0x80 | (cp & 0x3F);
        return 4;
    }

    /** HF's {@code Word::merge_all} without dropout. */
    private void mergeAll(Tokens w) {
        MergeHeap heap = w.heap;
        heap.clear();
        for (int i = 0; i + 1 < w.size; i++) {
            long m = merges.get(w.id[i], w.id[i + 1]);
            if (m >= 0) {
                heap.push(MergeTable.rank(m), i, MergeTable.newId(m));
            }
        }
        while (!heap.isEmpty()) {
            long top = heap.peekKey();
            int newId = heap.peekNewId();
            heap.pop();
            int pos = (int) top;
            if (!w.alive[pos] || w.next[pos] < 0) {
                continue;
            }
            int right = w.next[pos];
            long current = merges.get(w.id[pos], w.id[right]);
            if (current < 0 || MergeTable.newId(current) != newId) {
                continue; // stale: the pair changed since this entry was queued
            }
            w.id[pos] = newId;
            w.alive[right] = false;
            int after = w.next[right];
            w.next[pos] = after;
            if (after >= 0) {
                w.prev[after] = pos;
            }
            int before = w.prev[pos];
            if (before >= 0) {
                long m = merges.get(w.id[before], w.id[pos]);
                if (m >= 0) {
                    heap.push(MergeTable.rank(m), before, MergeTable.newId(m));
                }
            }
            if (after >= 0) {
                long m = merges.get(w.id[pos], w.id[after]);
                if (m >= 0) {
                    heap.push(MergeTable.rank(m), pos, MergeTable.newId(m));
                }
            }
        }
    }

    /**
     * The result of one encoding, reused across calls: {@link #count()} tokens, token {@code i} has id
     * {@link #id(int)} and starts at char {@link #start(int)} of the text (the first token at 0; the byte
     * tokens of one character all start where the character does).
     */
    public static final class Tokens {
        private int[] id = new int[256];
        private int[] start = new int[256];
        private int[] prev = new int[256];
        private int[] next = new int[256];
        private boolean[] alive = new boolean[256];
        private int size;
        private final MergeHeap heap = new MergeHeap();
        private final int[] bytes = new int[4];
        /** word → its ids then their starts relative to the word: words repeat, BPE of each runs once */
        private final WordCache cache = new WordCache();
        /** {@link WordCache#hash} of the word {@code nextWord} found last */
        private int wordHash;
        private int[] outIds = new int[256];
        private int[] outStarts = new int[256];
        private int count;
        private int length;

        public int count() {
            return count;
        }

        /** Characters of the text the tokens are the encoding of (a prefix when the encoding stopped early). */
        public int length() {
            return length;
        }

        public int id(int i) {
            return outIds[i];
        }

        public int start(int i) {
            return outStarts[i];
        }

        void clear() {
            size = 0;
            count = 0;
            length = 0;
        }

        void addSymbol(int symbolId, int charStart) {
            if (size == id.length) {
                int n = 2 * size;
                id = java.util.Arrays.copyOf(id, n);
                start = java.util.Arrays.copyOf(start, n);
                prev = java.util.Arrays.copyOf(prev, n);
                next = java.util.Arrays.copyOf(next, n);
                alive = java.util.Arrays.copyOf(alive, n);
            }
            id[size] = symbolId;
            start[size] = charStart;
            prev[size] = size - 1;
            next[size] = -1;
            if (size > 0) {
                next[size - 1] = size;
            }
            alive[size] = true;
            size++;
        }

        /** Appends the surviving symbols, in order, to the result. */
        void collect() {
            for (int i = 0; i >= 0 && i < size; i = next[i]) {
                append(id[i], start[i]);
            }
        }

        void append(int tokenId, int charStart) {
            if (count == outIds.length) {
                outIds = java.util.Arrays.copyOf(outIds, 2 * count);
                outStarts = java.util.Arrays.copyOf(outStarts, 2 * count);
            }
            outIds[count] = tokenId;
            outStarts[count] = charStart;
            count++;
        }
    }
}
