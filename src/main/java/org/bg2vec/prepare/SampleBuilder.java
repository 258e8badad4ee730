package org.bg2vec.prepare;

import org.bg2vec.text.MarkupLeftovers;
import org.bg2vec.text.ScriptStats;
import org.bg2vec.text.SentenceSplitter;
import org.bg2vec.tokenize.Llm2VecTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns an article's clean text into samples: one per article cut to the token budget ({@link SampleMode#ARTICLE})
 * or sentences packed into passages of up to the budget ({@link SampleMode#PASSAGE}); then the filters (markup
 * leftovers, min tokens, Cyrillic share). A sample's index in its page is fixed before filtering, so sample ids
 * do not depend on the filters.
 */
public final class SampleBuilder {

    private final TokenBudget budget;
    private final int prefixLength;
    private final SentenceSplitter splitter;
    private final SampleMode mode;
    private final int minTokens;
    private final double minCyrillic;

    /**
     * @param unbounded    a tokenizer loaded with a max length far above {@code maxSeqLength} (it must not
     *                     truncate: the builder measures texts with it and enforces the limit itself)
     * @param maxSeqLength ids per sample at most, BOS included
     */
    public SampleBuilder(Llm2VecTokenizer unbounded, int maxSeqLength, SampleMode mode, int minTokens,
                         double minCyrillic) {
        this(PrepareTokenizer.of(unbounded), maxSeqLength, mode, minTokens, minCyrillic);
    }

    /** A builder measuring with {@code tokenizer}; {@code maxSeqLength} ids per sample at most, BOS included. */
    public SampleBuilder(PrepareTokenizer tokenizer, int maxSeqLength, SampleMode mode, int minTokens,
                         double minCyrillic) {
        this.budget = new TokenBudget(tokenizer, maxSeqLength);
        this.prefixLength = tokenizer.prefixLength();
        this.splitter = SentenceSplitter.bulgarian();
        this.mode = mode;
        this.minTokens = minTokens;
        this.minCyrillic = minCyrillic;
    }

    /**
     * Builds and filters the samples of one article.
     *
     * @param paragraphs the article's clean paragraphs in order (headings excluded)
     * @param lead       the article's lead passage
     */
    public void build(long pageId, String title, String source, String lead, List<String> paragraphs,
                      OutcomeSink sink) {
        List<TokenBudget.Cut> texts = mode == SampleMode.ARTICLE ? List.of(articleText(paragraphs))
                : passages(paragraphs);
        for (int i = 0; i < texts.size(); i++) {
            if (i >= SampleIds.MAX_SAMPLES_PER_PAGE) {
                sink.count(Reasons.TOO_MANY_PASSAGES);
                continue;
            }
            String text = texts.get(i).text();
            int[] ids = texts.get(i).ids();
            String marker = MarkupLeftovers.find(text);
            if (marker != null) {
                sink.count(Reasons.MARKUP_LEFTOVER);
                sink.accept(new Reject(pageId, title, source, Reasons.MARKUP_LEFTOVER,
                        "sample " + i + " contains '" + marker + "': " + context(text, marker)));
                continue;
            }
            if (ids.length - prefixLength < minTokens) {
                sink.count(Reasons.TOO_FEW_TOKENS);
                continue;
            }
            if (minCyrillic > 0 && ScriptStats.cyrillicShare(text) < minCyrillic) {
                sink.count(Reasons.LOW_CYRILLIC);
                continue;
            }
            sink.accept(new Sample(SampleIds.of(pageId, i), pageId, title, lead, text, ids));
        }
    }

    /** The article's text cut to the budget: paragraphs joined by newlines. */
    private TokenBudget.Cut articleText(List<String> paragraphs) {
        return budget.cut(String.join("\n", paragraphs).strip());
    }

    /** Consecutive sentences packed greedily into passages that fit the budget. */
    private List<TokenBudget.Cut> passages(List<String> paragraphs) {
        List<TokenBudget.Cut> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int currentTokens = 0;
        for (String paragraph : paragraphs) {
            for (String sentence : splitter.split(paragraph)) {
                String s = sentence.strip();
                if (s.isEmpty()) {
                    continue;
                }
                int t = budget.count(s);
                if (t > budget.textBudget()) {
                    flush(current, out);
                    currentTokens = 0;
                    splitLong(s, out);
                } else if (currentTokens + t <= budget.textBudget()) {
                    if (current.length() > 0) {
                        current.append(' ');
                    }
                    current.append(s);
                    currentTokens += t;
                } else {
                    flush(current, out);
                    current.append(s);
                    currentTokens = t;
                }
            }
        }
        flush(current, out);
        return out;
    }

    /** A text longer than the budget becomes several passages, cut at word boundaries. */
    private void splitLong(String text, List<TokenBudget.Cut> out) {
        String rest = text;
        while (!rest.isEmpty()) {
            TokenBudget.Cut piece = budget.cut(rest);
            if (piece.text().isEmpty()) {
                throw new IllegalStateException("cannot fit even one character of '" + rest.substring(0,
                        Math.min(20, rest.length())) + "' into " + budget.textBudget() + " tokens");
            }
            out.add(piece);
            rest = rest.substring(piece.text().length()).strip();
        }
    }

    /** Token counts of joined sentences can exceed the sum of their parts by a little: re-cut when they do. */
    private void flush(StringBuilder current, List<TokenBudget.Cut> out) {
        if (current.length() == 0) {
            return;
        }
        String text = current.toString();
        current.setLength(0);
        int[] ids = budget.ids(text);
        if (ids.length - prefixLength <= budget.textBudget()) {
            out.add(new TokenBudget.Cut(text, ids));
        } else {
            splitLong(text, out);
        }
    }

    private static String context(String text, String marker) {
        int at = Math.max(0, text.indexOf(marker));
        int from = Math.max(0, at - 40);
        int to = Math.min(text.length(), at + marker.length() + 40);
        return "…" + text.substring(from, to).replace('\n', ' ') + "…";
    }
}
