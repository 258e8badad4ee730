/**
 * Model directories (base models, LoRA adapters) from any Hadoop file system, fetched once per host into a
 * verified local cache. Spark-free: the Spark layer only tells it where the cache lives.
 *
 * <p>On the driver, {@link org.bg2vec.modelstore.ModelUris} turns what the user wrote ({@code --model},
 * {@code --adapter}, {@code model_name_or_path}, {@code peft_model_name_or_path}) into a qualified URI and checks
 * that the directory is there. On the executors, {@link org.bg2vec.modelstore.ModelStore} gives a local
 * directory for such a URI: a {@code file:} directory is used where it is; anything else ({@code hdfs:},
 * {@code s3a:}, ...) is copied once into the cache, verified, and reused by later tasks, stages, attempts and
 * (with a persistent {@code BG2VEC_MODEL_CACHE}) applications.
 */
package org.bg2vec.modelstore;
