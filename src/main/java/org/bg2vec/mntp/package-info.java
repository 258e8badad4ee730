/**
 * LLM2Vec's MNTP stage (masked next token prediction) on the bidirectional model: the masking collator
 * ({@link org.bg2vec.mntp.Masking}), the next-token loss over labelled positions ({@link org.bg2vec.mntp.MntpLoss}),
 * the model with its LM head ({@link org.bg2vec.mntp.MntpModel}), one worker's step with micro-batch gradient
 * accumulation ({@link org.bg2vec.mntp.MntpStep}) and its place in the shared training loop
 * ({@link org.bg2vec.mntp.MntpSteps}, {@link org.bg2vec.mntp.MntpWorker}). No Spark here: {@code bg2vec mntp}
 * runs it in the barrier stage of {@code org.bg2vec.spark.TrainJob}.
 */
package org.bg2vec.mntp;
