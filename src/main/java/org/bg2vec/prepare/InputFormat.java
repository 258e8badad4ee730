package org.bg2vec.prepare;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The kinds of input {@code prepare} reads. */
public enum InputFormat {
    /** Decide per file from its name. */
    AUTO,
    /** MediaWiki XML export ({@code .xml}, {@code .xml.bz2}, multistream). */
    XML,
    /** HF {@code wikimedia/wikipedia}-style Parquet with {@code id, url, title, text}: cleaning skipped. */
    PARQUET,
    /** WikiExtractor {@code --json} output, one JSON object per line: cleaning skipped. */
    JSONL;

    /** Parses {@code auto|xml|parquet|jsonl} (any case). */
    @JsonCreator
    public static InputFormat parse(String s) {
        for (InputFormat f : values()) {
            if (f.name().equalsIgnoreCase(s.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("format must be one of auto, xml, parquet, jsonl; got '" + s + "'");
    }

    /**
     * The format of a file judged by its name, for {@link #AUTO}: {@code .parquet} (or a directory, which
     * Spark reads as a Parquet dataset), {@code .json}/{@code .jsonl} (optionally compressed), else XML.
     */
    public static InputFormat fromName(String name, boolean isDirectory) {
        String n = name.toLowerCase(Locale.ROOT);
        if (isDirectory || n.endsWith(".parquet")) {
            return PARQUET;
        }
        String base = n.replaceAll("\\.(bz2|gz)$", "");
        if (base.endsWith(".json") || base.endsWith(".jsonl") || base.endsWith(".ndjson")) {
            return JSONL;
        }
        if (base.endsWith(".xml")) {
            return XML;
        }
        throw new IllegalArgumentException("cannot tell the format of '" + name
                + "' from its name (expected .xml, .xml.bz2, .parquet, .json, .jsonl): pass --format");
    }

    /** The lower-case name used on the command line and in manifest.json. */
    @JsonValue
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
