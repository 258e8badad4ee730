package org.bg2vec.eval;

/**
 * One row of a user's pair or triplet file.
 *
 * @param query    the anchor / query text
 * @param positive the text that should match it
 * @param negative a text that should not (null for a pair)
 */
public record TextPair(String query, String positive, String negative) {
}
