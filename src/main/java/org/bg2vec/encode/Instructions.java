package org.bg2vec.encode;

import org.bg2vec.tokenize.Llm2VecTokenizer;

/**
 * llm2vec's instruction form: {@code instruction + " !@#$%^&*()" + text}. The embedder attends to the whole
 * string but pools only the part after {@link #SEPARATOR}.
 */
public final class Instructions {

    /** The separator llm2vec puts between the instruction and the text. */
    public static final String SEPARATOR = Llm2VecTokenizer.INSTRUCTION_SEPARATOR;

    private Instructions() {
    }

    /**
     * @param instruction the instruction, or null/blank for none (then the text is returned unchanged)
     * @param text        the text to embed
     * @return {@code instruction.strip() + " " + SEPARATOR + text}, as llm2vec builds it, or {@code text}
     */
    public static String apply(String instruction, String text) {
        if (instruction == null || instruction.isBlank()) {
            return text;
        }
        return Llm2VecTokenizer.withInstruction(instruction, text);
    }
}
