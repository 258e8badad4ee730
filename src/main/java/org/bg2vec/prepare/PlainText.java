package org.bg2vec.prepare;

import java.util.ArrayList;
import java.util.List;

/** Helpers for already-clean inputs (Parquet, JSONL): ids and paragraphs. */
public final class PlainText {

    private PlainText() {
    }

    /** A page id from a number or a numeric string; null when it is missing or not a usable id. */
    public static Long parseId(Object id) {
        if (id == null) {
            return null;
        }
        long v;
        if (id instanceof Number n) {
            v = n.longValue();
        } else {
            try {
                v = Long.parseLong(id.toString().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return SampleIds.validPageId(v) ? v : null;
    }

    /** Paragraphs of a clean text: its non-blank lines, stripped. */
    public static List<String> paragraphs(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String p = line.strip();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }
}
