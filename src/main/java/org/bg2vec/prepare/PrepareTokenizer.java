package org.bg2vec.prepare;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bg2vec.tokenize.Llm2VecTokenizer;
import org.bg2vec.tokenize.SentencePieceBpe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepare's tokenizer: HF's ids (LLM2Vec: special prefix first, no EOS, never truncated) and where each token
 * starts, computed by {@link SentencePieceBpe} when the {@code tokenizer.json} is of its family and by HF
 * otherwise. Every {@value #CHECK_EVERY}th text the fast path encodes is encoded by HF as well: a difference
 * stops the job (it would be a bug in the fast path; {@code -Dbg2vec.prepare.fastTokenizer=false} on the
 * driver and executors turns the fast path off). One per task (not thread-safe).
 */
public final class PrepareTokenizer {

    private static final Logger LOG = LoggerFactory.getLogger(PrepareTokenizer.class);
    /** One text in this many is also encoded by HF and compared. */
    static final int CHECK_EVERY = 64;
    /** System property that turns the Java BPE off ({@code false}). */
    public static final String FAST_PROPERTY = "bg2vec.prepare.fastTokenizer";
    /** Max length of the counting tokenizer: far above any max_seq_length (at most 2^20), so never truncating. */
    static final int COUNTING_MAX_LENGTH = 1 << 26;
    private static final Map<Path, Optional<SentencePieceBpe>> FAST = new ConcurrentHashMap<>();
    private static final Map<Path, Llm2VecTokenizer> SHARED = new ConcurrentHashMap<>();

    /**
     * The tokens of a text, or of its first {@code length} characters: {@code ids[i]} starts at char
     * {@code starts[i]}; no special prefix.
     */
    public record Tokens(int[] ids, int[] starts, int length) {
        int count() {
            return ids.length;
        }
    }

    /** Characters per token of the first window HF encodes for {@link #prefixTokens} (Bulgarian: about 2.3). */
    static final int WINDOW_CHARS_PER_TOKEN = 4;

    private final Llm2VecTokenizer hf;
    private final SentencePieceBpe fast;
    private final SentencePieceBpe.Tokens scratch = new SentencePieceBpe.Tokens();
    private final int[] prefix;
    private long fastEncodings;

    /** A tokenizer with the given fast path (null: HF only), for tests. */
    PrepareTokenizer(Llm2VecTokenizer hf, SentencePieceBpe fast) {
        this.hf = hf;
        this.fast = fast;
        this.prefix = hf.encodeIds("");
    }

    /**
     * The tokenizer of a local {@code tokenizer.json} whose name says its content (the executors' copies are named
     * by their sha256): HF's tokenizer and the Java BPE are loaded once per JVM and shared by the tasks of that
     * JVM (both are thread-safe for encoding); each task gets its own instance for its scratch state.
     */
    public static PrepareTokenizer forContentNamedFile(Path tokenizerJson) throws IOException {
        return of(counting(tokenizerJson));
    }

    /** The JVM's counting HF tokenizer of a content-named {@code tokenizer.json} (never closed). */
    static Llm2VecTokenizer counting(Path tokenizerJson) throws IOException {
        try {
            return SHARED.computeIfAbsent(tokenizerJson.toAbsolutePath(), p -> {
                try {
                    return Llm2VecTokenizer.load(p, COUNTING_MAX_LENGTH);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Wraps a counting tokenizer (one that never truncates: its max length far above any sample); the Java BPE
     * of its {@code tokenizer.json} is parsed once per JVM.
     */
    public static PrepareTokenizer of(Llm2VecTokenizer unbounded) {
        SentencePieceBpe fast = null;
        if (!"false".equalsIgnoreCase(System.getProperty(FAST_PROPERTY))) {
            fast = FAST.computeIfAbsent(unbounded.path().toAbsolutePath(), PrepareTokenizer::loadFast).orElse(null);
        }
        return new PrepareTokenizer(unbounded, fast);
    }

    private static Optional<SentencePieceBpe> loadFast(Path tokenizerJson) {
        try {
            var json = new ObjectMapper().readTree(tokenizerJson.toFile());
            SentencePieceBpe bpe = SentencePieceBpe.of(json);
            if (bpe == null) {
                LOG.info("prepare: {} is tokenized by HF only ({})", tokenizerJson, SentencePieceBpe.unsupported(json));
            }
            return Optional.ofNullable(bpe);
        } catch (IOException e) {
            throw new UncheckedIOException(tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Whether the Java BPE is in use. */
    public boolean isFast() {
        return fast != null;
    }

    /** The size of the vocabulary, added tokens included. */
    public int vocabSize() {
        return hf.vocabSize();
    }

    /** Ids the tokenizer puts before every text (BOS). */
    public int prefixLength() {
        return prefix.length;
    }

    /** LLM2Vec ids of a text: the special prefix, then the text's ids; never truncated. */
    public int[] ids(String text) {
        Tokens t = tokens(text);
        int[] out = Arrays.copyOf(prefix, prefix.length + t.count());
        System.arraycopy(t.ids(), 0, out, prefix.length, t.count());
        return out;
    }

    /** LLM2Vec ids of the first {@code n} tokens: the special prefix, then those ids. */
    public int[] ids(Tokens t, int n) {
        int[] out = Arrays.copyOf(prefix, prefix.length + n);
        System.arraycopy(t.ids(), 0, out, prefix.length, n);
        return out;
    }

    /** A text's tokens (no special prefix) and where each starts. */
    public Tokens tokens(String text) {
        if (fast == null || !fast.encode(text, scratch)) {
            return hfTokens(text);
        }
        return fromScratch(text);
    }

    /**
     * The tokens of the whole text when it has at most {@code n}, else of a prefix of it with more than {@code n}
     * ({@link Tokens#length} says which). The Java BPE encodes word after word and stops after token {@code n}: its
     * tokens are the first of the whole text's. Otherwise a window of the text's start (about
     * {@value #WINDOW_CHARS_PER_TOKEN} characters per token, doubled until it holds more than {@code n}) is
     * encoded: its last tokens can differ from the whole text's where the window cuts a word.
     */
    public Tokens prefixTokens(String text, int n) {
        if (fast != null && fast.splitsAtWords() && fast.encode(text, scratch, n)) {
            return fromScratch(text);
        }
        for (long window = (long) n * WINDOW_CHARS_PER_TOKEN; ; window *= 2) {
            int end = window >= text.length() ? text.length() : codePointEnd(text, (int) window);
            Tokens t = tokens(end == text.length() ? text : text.substring(0, end));
            if (t.count() > n || end == text.length()) {
                return t;
            }
        }
    }

    private static int codePointEnd(String text, int at) {
        return Character.isLowSurrogate(text.charAt(at)) ? at - 1 : at;
    }

    private Tokens hfTokens(String text) {
        Llm2VecTokenizer.TextTokens t = hf.textTokens(text);
        return new Tokens(t.ids(), t.starts(), text.length());
    }

    /** The Java BPE's result in {@link #scratch}, every {@value #CHECK_EVERY}th compared with HF's. */
    private Tokens fromScratch(String text) {
        int n = scratch.count();
        int[] ids = new int[n];
        int[] starts = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = scratch.id(i);
            starts[i] = scratch.start(i);
        }
        int length = scratch.length();
        if (fastEncodings++ % CHECK_EVERY == 0) {
            check(length == text.length() ? text : text.substring(0, length), ids, starts);
        }
        return new Tokens(ids, starts, length);
    }

    private void check(String text, int[] ids, int[] starts) {
        Llm2VecTokenizer.TextTokens expected = hf.textTokens(text);
        if (!Arrays.equals(expected.ids(), ids) || !Arrays.equals(expected.starts(), starts)) {
            throw new IllegalStateException("the Java BPE and HF tokenize this text differently (a bug; please"
                    + " report it with the text and the tokenizer.json; run with -D" + FAST_PROPERTY + "=false on"
                    + " the driver and executors meanwhile): '" + text.substring(0, Math.min(200, text.length()))
                    + "'");
        }
    }
}
