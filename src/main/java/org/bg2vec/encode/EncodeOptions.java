package org.bg2vec.encode;

/**
 * How {@link Encoder} embeds texts.
 *
 * @param batchSize   texts per forward pass (after length sorting)
 * @param normalize   scale every vector to unit L2 norm
 * @param instruction llm2vec instruction put before every text ({@link Instructions}), or null for none
 */
public record EncodeOptions(int batchSize, boolean normalize, String instruction) implements java.io.Serializable {

    public EncodeOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (instruction != null && instruction.contains(Instructions.SEPARATOR)) {
            throw new IllegalArgumentException("the instruction must not contain llm2vec's separator "
                    + Instructions.SEPARATOR);
        }
        if (instruction != null && instruction.isBlank()) {
            instruction = null;
        }
    }
}
