/**
 * Spark-free text side of the {@code prepare} stage: wikitext to plain text
 * ({@link org.bg2vec.text.WikitextCleaner} → {@link org.bg2vec.text.CleanedArticle}), Unicode normalisation
 * ({@link org.bg2vec.text.TextNormalizer}), the leftover-markup check ({@link org.bg2vec.text.MarkupLeftovers}),
 * Bulgarian sentence splitting ({@link org.bg2vec.text.SentenceSplitter}, list in
 * {@code conf/abbreviations-bg.txt}) and script statistics for the language filter
 * ({@link org.bg2vec.text.ScriptStats}). Everything here is immutable or per-call and safe to use from Spark
 * executor threads.
 */
package org.bg2vec.text;
