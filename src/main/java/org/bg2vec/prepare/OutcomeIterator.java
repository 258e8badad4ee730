package org.bg2vec.prepare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The outcomes of one split, pulled lazily page by page; the last element is the split's {@link CountsOutcome}.
 * Closes the reader when exhausted.
 */
public final class OutcomeIterator implements Iterator<Outcome>, OutcomeSink {

    private final RecordReader reader;
    private final PageProcessor processor;
    private final String source;
    private final int inputIndex;
    private final ArrayDeque<Outcome> queue = new ArrayDeque<>();
    private final ReasonCounts counts = new ReasonCounts();
    private boolean done;

    public OutcomeIterator(RecordReader reader, PageProcessor processor, String source, int inputIndex) {
        this.reader = reader;
        this.processor = processor;
        this.source = source;
        this.inputIndex = inputIndex;
    }

    @Override
    public boolean hasNext() {
        while (queue.isEmpty() && !done) {
            SourceRecord r;
            try {
                r = reader.next();
            } catch (IOException e) {
                throw new UncheckedIOException(source + ": " + e.getMessage(), e);
            }
            if (r == null) {
                done = true;
                queue.add(new CountsOutcome(counts.asMap()));
                close();
            } else {
                counts.add(ReasonCounts.RECORDS_READ);
                counts.add(ReasonCounts.inputKey(inputIndex));
                processor.process(r, source, this);
            }
        }
        return !queue.isEmpty();
    }

    @Override
    public Outcome next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return queue.poll();
    }

    @Override
    public void accept(Outcome outcome) {
        queue.add(outcome);
    }

    @Override
    public void count(String reason) {
        counts.add(reason);
    }

    private void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new IllegalStateException(source + ": closing the reader failed: " + e.getMessage(), e);
        }
    }
}
