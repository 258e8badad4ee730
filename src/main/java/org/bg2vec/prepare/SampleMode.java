package org.bg2vec.prepare;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How an article becomes training samples. */
public enum SampleMode {
    /** One sample per article: its text cut to {@code max_seq_length} tokens (the Bg2Vec recipe). */
    ARTICLE,
    /** Sentence-split, then consecutive sentences packed into passages of up to {@code max_seq_length} tokens. */
    PASSAGE;

    /** Parses {@code article}/{@code passage} (any case). */
    @JsonCreator
    public static SampleMode parse(String s) {
        for (SampleMode m : values()) {
            if (m.name().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("sample mode must be 'article' or 'passage', got '" + s + "'");
    }

    /** The lower-case name used on the command line and in manifest.json. */
    @JsonValue
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
