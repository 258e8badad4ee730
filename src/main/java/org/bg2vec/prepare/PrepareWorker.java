package org.bg2vec.prepare;

import org.bg2vec.text.CleaningConfig;
import org.bg2vec.text.WikitextCleaner;
import org.bg2vec.tokenize.Llm2VecTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * What one task needs to turn records into outcomes: the tokenizer (loaded per task; DJL tokenizers hold native
 * memory, closed when the task's records are done), the wikitext cleaner and the sample builder.
 */
public final class PrepareWorker implements AutoCloseable {

    /** Max length of the measuring tokenizer: far above any max_seq_length (at most 2^20). */
    static final int COUNTING_MAX_LENGTH = 1 << 26;

    private final Llm2VecTokenizer tokenizer;
    private final PageProcessor processor;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PrepareWorker(Llm2VecTokenizer tokenizer, PageProcessor processor) {
        this.tokenizer = tokenizer;
        this.processor = processor;
    }

    /** Loads the tokenizer from a local {@code tokenizer.json} and sets up cleaning for {@code config}. */
    public static PrepareWorker open(PrepareConfig config, Path tokenizerJson) throws IOException {
        // measuring tokenizer: never truncates; SampleBuilder enforces max_seq_length itself
        Llm2VecTokenizer tok = Llm2VecTokenizer.load(tokenizerJson, COUNTING_MAX_LENGTH);
        try {
            WikitextCleaner cleaner = new WikitextCleaner(cleaningConfig(config));
            SampleBuilder builder = new SampleBuilder(tok, config.maxSeqLength(), config.sampleMode(),
                    config.minTokens(), config.minCyrillic());
            return new PrepareWorker(tok, new PageProcessor(cleaner, builder));
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    /** The cleaning settings of a prepare config: the defaults, with {@code drop_sections} when given. */
    static CleaningConfig cleaningConfig(PrepareConfig config) {
        CleaningConfig defaults = CleaningConfig.defaults();
        return config.dropSections() == null ? defaults : new CleaningConfig(config.dropSections(),
                defaults.fileNamespaces(), defaults.categoryNamespaces(), defaults.keepListItems());
    }

    /** The outcomes of one split's records; the worker is closed when they are exhausted. */
    public Iterator<Outcome> outcomes(RecordReader reader, String source, int inputIndex) {
        return new OutcomeIterator(reader, processor, source, inputIndex, this);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            tokenizer.close();
        }
    }
}
