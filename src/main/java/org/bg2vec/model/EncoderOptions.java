package org.bg2vec.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * How a {@link MistralEncoder} runs.
 *
 * @param device           where weights and activations live
 * @param computeType      element type of the frozen base weights and activations: FLOAT32 (CPU default)
 *                         or FLOAT16 (GPU default). RMSNorm and softmax always run in float32 and LoRA
 *                         weights are always float32, whatever this is.
 * @param pooling          how {@link MistralEncoder#embed} pools
 * @param causal           false (LLM2Vec, bidirectional) or true (the original decoder, for comparison)
 * @param attentionDropout attention-probability dropout in training; null takes the config's
 *                         {@code attention_dropout}
 * @param recomputeLayers  per-layer recomputation in {@link MistralEncoder#backwardFromEmbeddings} (llm2vec's
 *                         {@code gradient_checkpointing}): keep only each layer's input during the gradient
 *                         forward and recompute one layer at a time in backward (same gradients, less memory)
 */
public record EncoderOptions(Device device, DataType computeType, Pooling pooling, boolean causal,
                             Double attentionDropout, boolean recomputeLayers) {

    /** Options without recomputation. */
    public EncoderOptions(Device device, DataType computeType, Pooling pooling, boolean causal,
                          Double attentionDropout) {
        this(device, computeType, pooling, causal, attentionDropout, false);
    }

    public EncoderOptions {
        if (computeType != DataType.FLOAT32 && computeType != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute type must be FLOAT32 or FLOAT16, not " + computeType);
        }
        if (attentionDropout != null && (attentionDropout < 0 || attentionDropout >= 1)) {
            throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + attentionDropout);
        }
    }

    /** Bidirectional, mean pooling, on {@code device}: FLOAT16 base on a GPU, FLOAT32 on the CPU. */
    public static EncoderOptions forDevice(Device device) {
        DataType type = device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
        return new EncoderOptions(device, type, Pooling.MEAN, false, null);
    }

    /** CPU, float32, bidirectional, mean pooling, the config's attention dropout. */
    public static EncoderOptions cpu() {
        return forDevice(Device.cpu());
    }

    public EncoderOptions withComputeType(DataType t) {
        return new EncoderOptions(device, t, pooling, causal, attentionDropout, recomputeLayers);
    }

    public EncoderOptions withPooling(Pooling p) {
        return new EncoderOptions(device, computeType, p, causal, attentionDropout, recomputeLayers);
    }

    public EncoderOptions withCausal(boolean c) {
        return new EncoderOptions(device, computeType, pooling, c, attentionDropout, recomputeLayers);
    }

    public EncoderOptions withAttentionDropout(Double p) {
        return new EncoderOptions(device, computeType, pooling, causal, p, recomputeLayers);
    }

    public EncoderOptions withRecomputeLayers(boolean r) {
        return new EncoderOptions(device, computeType, pooling, causal, attentionDropout, r);
    }
}
