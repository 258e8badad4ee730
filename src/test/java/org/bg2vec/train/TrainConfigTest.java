package org.bg2vec.train;

import org.bg2vec.train.data.IndependentCropping;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainConfigTest {

    @Test
    void theBg2VecRecipeLoadsWithLlm2vecValues() throws Exception {
        TrainConfig c = TrainConfig.load(Path.of("conf/bg2vec-simcse.json"));
        assertEquals(128, c.globalBatchSize());
        assertEquals(3e-5, c.learningRate());
        assertEquals(0.3, c.simcseDropout());
        assertEquals(16, c.loraR());
        assertEquals(32, c.loraAlpha(), "llm2vec's run_simcse.py uses lora_alpha = 2 · lora_r");
        assertEquals(0.05, c.loraDropout());
        assertEquals(20.0, c.lossScale());
        assertEquals(1000, c.stopAfterNSteps());
        assertEquals(-1, c.maxSteps());
        assertEquals(3.0, c.numTrainEpochs());
        assertEquals(42, c.seed());
        assertEquals(1.0, c.maxGradNorm());
        assertEquals(0.9, c.adamBeta1());
        assertEquals(0.999, c.adamBeta2());
        assertEquals(1e-8, c.adamEpsilon());
        assertEquals(0.0, c.weightDecay());
        assertEquals(TrainConfig.Precision.FP16, c.precision());
        assertTrue(c.bidirectional());
    }

    @Test
    void theTinyDemoConfigLoads() throws Exception {
        TrainConfig c = TrainConfig.load(Path.of("conf/tiny-simcse.json"));
        assertEquals(32, c.globalBatchSize());
        assertEquals(8, c.microBatchSize());
        assertTrue(c.independentCropping().enabled(), "the demo trains with asymmetric independent cropping");
        assertEquals("target/demo/simcse/checkpoints", c.checkpointDir());
        assertEquals("target/demo/prepared", c.validationData());
    }

    @Test
    void defaultsFollowLlm2vecAndHf() {
        TrainConfig c = TrainConfig.parse("{\"output_dir\": \"o\"}");
        assertEquals(128, c.globalBatchSize());
        assertEquals(0.1, c.simcseDropout());
        assertEquals(8, c.loraR());
        assertEquals(16, c.loraAlpha());
        assertEquals(50.0, c.lossScale());
        assertEquals(10000, c.stopAfterNSteps());
        assertEquals(Resume.latest(), c.resume());
        assertEquals(TrainConfig.Precision.FP32, c.precision());
        // llm2vec's effective batch: per-device batch × accumulation
        assertEquals(64, TrainConfig.parse("{\"output_dir\": \"o\", \"per_device_train_batch_size\": 32,"
                + " \"gradient_accumulation_steps\": 2}").globalBatchSize());
    }

    @Test
    void unknownAndIgnoredKeysAreAccepted() {
        TrainConfig c = TrainConfig.parse("{\"output_dir\": \"o\", \"attn_implementation\": \"sdpa\", \"lerning_rate\": 1}");
        assertEquals(5e-5, c.learningRate());
    }

    @Test
    void invalidValuesGiveOneErrorNamingEveryKeyAndItsRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse(
                "{\"output_dir\": \"o\", \"simcse_dropout\": 1.5, \"precision\": \"bf16\", \"lora_r\": \"sixteen\"}"));
        String m = e.getMessage();
        assertTrue(m.contains("simcse_dropout must be in [0.0, 1.0)"), m);
        assertTrue(m.contains("precision must be one of fp32, fp16"), m);
        assertTrue(m.contains("lora_r must be an integer"), m);
    }

    @Test
    void theBatchMustTileAcrossWorkersAndMicroBatches() {
        String m = assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse(
                "{\"output_dir\": \"o\", \"global_batch_size\": 128, \"workers\": 3}")).getMessage();
        assertTrue(m.contains("not divisible by workers 3"), m);
        m = assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse(
                "{\"output_dir\": \"o\", \"global_batch_size\": 16, \"workers\": 2, \"micro_batch_size\": 3}")).getMessage();
        assertTrue(m.contains("not a multiple of micro_batch_size 3"), m);
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse("{}"), "output_dir is required");
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse("[1]"));
    }

    @Test
    void gradientCheckpointingIsHonouredAndMicroBatchMayBeAuto() {
        TrainConfig plain = TrainConfig.parse("{\"output_dir\": \"o\", \"global_batch_size\": 16}");
        assertFalse(plain.gradientCheckpointing(), "HF's default");
        assertFalse(plain.autoMicroBatch());
        assertEquals(8, plain.microBatchSize());
        assertNull(plain.gpuMemoryBytes());

        TrainConfig auto = TrainConfig.parse("{\"output_dir\": \"o\", \"global_batch_size\": 24, \"workers\": 2,"
                + " \"micro_batch_size\": \"auto\", \"gradient_checkpointing\": true, \"gpu_memory\": \"40GiB\"}");
        assertTrue(auto.gradientCheckpointing());
        assertTrue(auto.autoMicroBatch());
        assertEquals(40L << 30, auto.gpuMemoryBytes());
        String m = assertThrows(IllegalStateException.class, auto::microBatchSize).getMessage();
        assertTrue(m.contains("\"auto\" and was not resolved"), m);
        TrainConfig resolved = auto.with("micro_batch_size", 4);
        assertFalse(resolved.autoMicroBatch());
        assertEquals(4, resolved.microBatchSize());
        assertThrows(IllegalArgumentException.class, () -> auto.with("micro_batch_size", 5), "5 does not tile 12");

        m = assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse("{\"output_dir\": \"o\","
                + " \"micro_batch_size\": \"max\", \"gpu_memory\": \"lots\", \"gradient_checkpointing\": 1}")).getMessage();
        assertTrue(m.contains("micro_batch_size must be a positive integer or \"auto\""), m);
        assertTrue(m.contains("gpu_memory must be a byte size"), m);
        assertTrue(m.contains("gradient_checkpointing must be true or false"), m);
    }

    @Test
    void overridesAreValidatedAgain() {
        TrainConfig c = TrainConfig.parse("{\"output_dir\": \"o\", \"global_batch_size\": 16, \"micro_batch_size\": 4}");
        assertEquals(2, c.with("workers", 2).workers());
        assertThrows(IllegalArgumentException.class, () -> c.with("workers", 3));
    }

    @Test
    void resumeIsParsedOnceIntoItsType() {
        assertEquals(Resume.never(), TrainConfig.parse("{\"output_dir\": \"o\", \"resume\": \"never\"}").resume());
        assertEquals(Resume.from("hdfs:///ckpt/step-500"),
                TrainConfig.parse("{\"output_dir\": \"o\", \"resume\": \"hdfs:///ckpt/step-500\"}").resume());
        Resume forced = TrainConfig.parse("{\"output_dir\": \"o\", \"resume_force\": true}").resume();
        assertEquals(new Resume(Resume.Kind.LATEST, null, true), forced);
        assertEquals("auto (forced)", forced.toString());
        String m = assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse(
                "{\"output_dir\": \"o\", \"resume\": \" \", \"resume_force\": \"yes\"}")).getMessage();
        assertTrue(m.contains("resume must be \"auto\", \"never\" or a checkpoint directory"), m);
        assertTrue(m.contains("resume_force must be true or false"), m);
    }

    @Test
    void independentCroppingIsOffByDefaultAndValidated() {
        TrainConfig plain = TrainConfig.parse("{\"output_dir\": \"o\"}");
        assertEquals(IndependentCropping.off(), plain.independentCropping());
        TrainConfig on = TrainConfig.parse("{\"output_dir\": \"o\", \"independent_cropping\": true,"
                + " \"crop_min_ratio\": 0.2, \"crop_max_ratio\": 0.6}");
        IndependentCropping.Ratios both = new IndependentCropping.Ratios(0.2, 0.6);
        assertEquals(new IndependentCropping(true, both, both), on.independentCropping());
        TrainConfig asymmetric = TrainConfig.parse("{\"output_dir\": \"o\", \"independent_cropping\": true,"
                + " \"crop_min_ratio\": 0.5, \"crop_max_ratio\": 1, \"query_crop_min_ratio\": 0.05,"
                + " \"query_crop_max_ratio\": 0.2}");
        assertEquals(new IndependentCropping(true, new IndependentCropping.Ratios(0.05, 0.2),
                new IndependentCropping.Ratios(0.5, 1.0)), asymmetric.independentCropping());
        String m = assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse(
                "{\"output_dir\": \"o\", \"independent_cropping\": 1, \"crop_min_ratio\": 0.7,"
                        + " \"crop_max_ratio\": 0.3}")).getMessage();
        assertTrue(m.contains("independent_cropping must be true or false"), m);
        assertTrue(m.contains("crop_min_ratio 0.7 is larger than crop_max_ratio 0.3"), m);
        m = assertThrows(IllegalArgumentException.class, () -> TrainConfig.parse(
                "{\"output_dir\": \"o\", \"crop_min_ratio\": 0, \"crop_max_ratio\": 1.5,"
                        + " \"query_crop_min_ratio\": 0.3, \"query_crop_max_ratio\": 0.2}")).getMessage();
        assertTrue(m.contains("crop_min_ratio must be in (0, 1]"), m);
        assertTrue(m.contains("query_crop_min_ratio 0.3 is larger than query_crop_max_ratio 0.2"), m);
        assertTrue(m.contains("crop_max_ratio must be in [0.0, 1.0], got 1.5"), m);
    }

    @Test
    void everyKeyLandsInItsOwnComponent() {
        // distinct values, so two components swapped in TrainConfig.Builder.build would show
        TrainConfig c = TrainConfig.parse("{\"model_name_or_path\": \"m\", \"peft_model_name_or_path\": \"p\","
                + " \"output_dir\": \"o\", \"checkpoint_dir\": \"c\", \"train_data\": \"t\", \"validation_data\": \"v\","
                + " \"max_seq_length\": 101, \"lora_r\": 3, \"lora_alpha\": 5, \"global_batch_size\": 84,"
                + " \"micro_batch_size\": 7, \"workers\": 2, \"max_steps\": 111, \"stop_after_n_steps\": 112,"
                + " \"warmup_steps\": 113, \"seed\": 114, \"save_steps\": 115, \"logging_steps\": 116,"
                + " \"eval_steps\": 117, \"eval_batches\": 118, \"keep_checkpoints\": 119,"
                + " \"fp16_growth_interval\": 120, \"max_attempts\": 121, \"shuffle_buffer_size\": 122,"
                + " \"simcse_dropout\": 0.11, \"lora_dropout\": 0.12, \"loss_scale\": 13, \"learning_rate\": 0.14,"
                + " \"num_train_epochs\": 1.5, \"warmup_ratio\": 0.16, \"max_grad_norm\": 1.7, \"weight_decay\": 0.18,"
                + " \"adam_beta1\": 0.19, \"adam_beta2\": 0.2, \"adam_epsilon\": 0.21, \"fp16_init_scale\": 22}");
        assertEquals(List.of("m", "p", "o", "c", "t", "v"), List.of(c.modelNameOrPath(), c.peftModelNameOrPath(),
                c.outputDir(), c.checkpointDir(), c.trainData(), c.validationData()));
        assertEquals(List.of(101, 3, 5, 84, 7, 2, 111, 112, 113, 115, 116, 117, 118, 119, 120, 121, 122),
                List.of(c.maxSeqLength(), c.loraR(), c.loraAlpha(), c.globalBatchSize(), c.microBatchSize(),
                        c.workers(), c.maxSteps(), c.stopAfterNSteps(), c.warmupSteps(), c.saveSteps(),
                        c.loggingSteps(), c.evalSteps(), c.evalBatches(), c.keepCheckpoints(),
                        c.fp16GrowthInterval(), c.maxAttempts(), c.shuffleBufferSize()));
        assertEquals(114, c.seed());
        assertEquals(List.of(0.11, 0.12, 13.0, 0.14, 1.5, 0.16, 1.7, 0.18, 0.19, 0.2, 0.21, 22.0),
                List.of(c.simcseDropout(), c.loraDropout(), c.lossScale(), c.learningRate(), c.numTrainEpochs(),
                        c.warmupRatio(), c.maxGradNorm(), c.weightDecay(), c.adamBeta1(), c.adamBeta2(),
                        c.adamEpsilon(), c.fp16InitScale()));
    }
}
