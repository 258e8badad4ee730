package org.bg2vec.mntp;

/**
 * How selected positions are corrupted (llm2vec's {@code data_collator_type}): {@code all_mask} replaces
 * every selected token by the mask token; {@code default} is Hugging Face's
 * {@code DataCollatorForLanguageModeling}: of the selected tokens 80% become the mask token, 10% a token
 * drawn uniformly from the vocabulary and 10% stay as they are.
 */
public enum CollatorType {
    ALL_MASK,
    DEFAULT;

    /** Parses a config value ({@code all_mask} or {@code default}). */
    public static CollatorType parse(String value) {
        return switch (value) {
            case "all_mask" -> ALL_MASK;
            case "default" -> DEFAULT;
            default -> throw new IllegalArgumentException("data_collator_type must be all_mask or default, not '"
                    + value + "'");
        };
    }
}
