package org.bg2vec.prepare;


/**
 * One training sample: a text and its LLM2Vec ids (BOS first, no EOS). For SimCSE the positive is the query
 * itself, so the shards store {@code text} as both {@code query} and {@code positive}.
 *
 * @param sampleId stable id: {@link SampleIds#of(long, int)} of the page id and the sample's index in the page
 * @param pageId   the source page's id
 * @param title    the page title
 * @param lead     the article's lead passage (for title→lead evaluation)
 * @param text     the sample text; {@code ids} is exactly its encoding
 * @param ids      LLM2Vec ids of {@code text}, at most max_seq_length including BOS
 */
public record Sample(long sampleId, long pageId, String title, String lead, String text, int[] ids)
        implements Outcome {
}
