package org.bg2vec.encode;

import java.util.ArrayList;
import java.util.List;

/** Checks the encode job's column choices against the columns an input actually has. */
public final class EncodeColumns {

    /** Name of the output column holding the vectors. */
    public static final String EMBEDDING = "embedding";

    private EncodeColumns() {
    }

    /**
     * The id columns to copy to the output, in order.
     *
     * @param found      the input's columns
     * @param textColumn the text column (must be among {@code found})
     * @param requested  the requested id columns, or empty for every column except the text column
     * @param inputName  the input, named in error messages
     * @throws IllegalArgumentException naming the missing column and listing the columns found
     */
    public static List<String> resolve(List<String> found, String textColumn, List<String> requested,
                                       String inputName) {
        if (!found.contains(textColumn)) {
            throw new IllegalArgumentException(inputName + " has no text column '" + textColumn
                    + "'; columns found: " + String.join(", ", found) + " (choose one with --text-column)");
        }
        List<String> ids;
        if (requested.isEmpty()) {
            ids = new ArrayList<>(found);
            ids.remove(textColumn);
        } else {
            ids = new ArrayList<>();
            for (String c : requested) {
                if (!found.contains(c)) {
                    throw new IllegalArgumentException(inputName + " has no id column '" + c
                            + "'; columns found: " + String.join(", ", found));
                }
                if (ids.contains(c)) {
                    throw new IllegalArgumentException("id column '" + c + "' is listed twice");
                }
                ids.add(c);
            }
        }
        if (ids.contains(EMBEDDING)) {
            throw new IllegalArgumentException(inputName + " already has a column named '" + EMBEDDING
                    + "', the name of the output vector column: leave it out with --id-columns");
        }
        return ids;
    }
}
