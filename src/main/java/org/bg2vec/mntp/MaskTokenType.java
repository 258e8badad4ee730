package org.bg2vec.mntp;

import com.fasterxml.jackson.databind.JsonNode;
import org.bg2vec.model.RandomCheckpoint;

import java.util.Locale;

/**
 * Which token replaces a selected position (llm2vec's {@code mask_token_type}): {@code blank} the
 * tokenizer's {@code _} token (the Mistral recipe), {@code eos} the end-of-sequence token, {@code mask} a
 * {@code <mask>} token the tokenizer must already have (llm2vec adds one and resizes the embeddings; bg2vec
 * does not grow the vocabulary).
 */
public enum MaskTokenType {
    BLANK("_"),
    EOS(null),
    MASK("<mask>");

    private final String token;

    MaskTokenType(String token) {
        this.token = token;
    }

    /** Parses a config value ({@code blank}, {@code eos}, {@code mask}). */
    public static MaskTokenType parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mask_token_type must be blank, eos or mask, not '" + value + "'");
        }
    }

    /** The mask id in {@code tokenizer} (a parsed {@code tokenizer.json}) named {@code source} in errors. */
    public int resolve(JsonNode tokenizer, int eosTokenId, String source) {
        if (token == null) {
            return eosTokenId;
        }
        int id = RandomCheckpoint.tokenId(tokenizer, token);
        if (id < 0) {
            throw new IllegalArgumentException(source + " has no '" + token + "' token for mask_token_type "
                    + name().toLowerCase(Locale.ROOT) + (this == MASK ? " (bg2vec does not add tokens to the"
                    + " vocabulary): use \"blank\" or \"eos\"" : ": use \"eos\""));
        }
        return id;
    }
}
