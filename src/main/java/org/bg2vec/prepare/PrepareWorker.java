package org.bg2vec.prepare;

import org.bg2vec.text.CleaningConfig;
import org.bg2vec.text.WikitextCleaner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * What one task needs to turn records into outcomes: the tokenizer (shared by the JVM's tasks, see
 * {@link PrepareTokenizer#forContentNamedFile}), the wikitext cleaner and the sample builder.
 */
public final class PrepareWorker {

    private final PageProcessor processor;

    private PrepareWorker(PageProcessor processor) {
        this.processor = processor;
    }

    /** A worker with the tokenizer of a local, content-named {@code tokenizer.json} and {@code config}'s cleaning. */
    public static PrepareWorker open(PrepareConfig config, Path tokenizerJson) throws IOException {
        PrepareTokenizer tok = PrepareTokenizer.forContentNamedFile(tokenizerJson);
        WikitextCleaner cleaner = new WikitextCleaner(cleaningConfig(config));
        SampleBuilder builder = new SampleBuilder(tok, config.maxSeqLength(), config.sampleMode(),
                config.minTokens(), config.minCyrillic());
        return new PrepareWorker(new PageProcessor(cleaner, builder));
    }

    /** The cleaning settings of a prepare config: the defaults, with {@code drop_sections} when given. */
    static CleaningConfig cleaningConfig(PrepareConfig config) {
        CleaningConfig defaults = CleaningConfig.defaults();
        return config.dropSections() == null ? defaults : new CleaningConfig(config.dropSections(),
                defaults.fileNamespaces(), defaults.categoryNamespaces(), defaults.keepListItems());
    }

    /** The outcomes of one split's records. */
    public Iterator<Outcome> outcomes(RecordReader reader, String source, int inputIndex) {
        return new OutcomeIterator(reader, processor, source, inputIndex);
    }
}
