package org.bg2vec.prepare;

/**
 * The train/validation rule: a page goes to validation when a salted hash of its id falls below the fraction.
 * It depends on the page id only, so no article is in both splits and every sample of a page (passage mode)
 * lands in the same split; the salt is independent of {@code --seed}, so a new seed keeps the split.
 */
public final class ValidationSplit {

    /** Salt of the split hash. */
    static final long SALT = 0x5EED5A17L;

    private ValidationSplit() {
    }

    /** Whether the page belongs to the validation split. */
    public static boolean isValidation(long pageId, double fraction) {
        return StableHash.unit(StableHash.mix(SALT, pageId)) < fraction;
    }
}
