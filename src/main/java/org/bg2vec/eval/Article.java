package org.bg2vec.eval;

/** One validation article for title → lead retrieval. */
public record Article(long pageId, String title, String lead) {
}
