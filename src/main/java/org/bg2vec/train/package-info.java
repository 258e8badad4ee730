/**
 * The Spark-free SimCSE training core (LLM2Vec unsupervised SimCSE as Bg2Vec ran it), run once per
 * worker. Entry point: {@link org.bg2vec.train.SimCseTrainer#run}. The model is a
 * {@link org.bg2vec.model.TrainableEncoder}, the loss a {@link org.bg2vec.loss.HardNegativeNLLLoss},
 * communication a {@link org.bg2vec.collective.Collective} (size 1 for one worker).
 * {@link org.bg2vec.train.GradCacheStep} computes the exact global-batch gradient from this
 * worker's slice; data reading lives in {@code org.bg2vec.train.data}, checkpoints in
 * {@code org.bg2vec.train.checkpoint}, metrics and the loss plot in {@code org.bg2vec.train.metrics}.
 * The keys of {@link org.bg2vec.train.TrainConfig} are documented in conf/README.md.
 */
package org.bg2vec.train;
