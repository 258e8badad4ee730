package org.bg2vec.mntp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MNTP configs: llm2vec's Mistral MNTP keys accepted, the recipe file, defaults, and precise errors. */
class MntpConfigTest {

    static MntpConfig parse(String json) throws Exception {
        return MntpConfig.of((ObjectNode) new ObjectMapper().readTree(json));
    }

    @Test
    void llm2vecsMistralMntpConfigIsAccepted() throws Exception {
        // the keys of llm2vec 0.2.2 train_configs/mntp/Mistral.json, plus bg2vec's output and data
        MntpConfig c = parse("""
                {"model_name_or_path": "m", "dataset_name": "wikitext", "dataset_config_name": "wikitext-103-raw-v1",
                 "per_device_train_batch_size": 32, "per_device_eval_batch_size": 32,
                 "gradient_accumulation_steps": 1, "do_train": true, "do_eval": true, "max_seq_length": 512,
                 "mask_token_type": "blank", "data_collator_type": "all_mask", "mlm_probability": 0.8,
                 "overwrite_output_dir": true, "output_dir": "out", "evaluation_strategy": "steps",
                 "eval_steps": 100, "save_steps": 200, "stop_after_n_steps": 1000, "lora_r": 16,
                 "gradient_checkpointing": true, "torch_dtype": "bfloat16", "attn_implementation": "flash_attention_2"}
                """);
        assertEquals(32, c.train().globalBatchSize());
        assertEquals(512, c.train().maxSeqLength());
        assertEquals(1000, c.train().stopAfterNSteps());
        assertEquals(16, c.train().loraR());
        assertEquals(32, c.train().loraAlpha(), "alpha 2r");
        assertTrue(c.train().bidirectional());
        assertTrue(c.train().gradientCheckpointing());
        assertEquals(0.0, c.train().simcseDropout(), "no attention dropout unless set");
        assertEquals(new MntpSettings(CollatorType.ALL_MASK, 0.8, MaskTokenType.BLANK, true, false, false), c.mntp());
        assertFalse(c.train().raw().has("mlm_probability"), "MNTP keys do not reach the shared config");
    }

    @Test
    void theShippedConfigsParse() throws Exception {
        MntpConfig recipe = MntpConfig.load(Path.of("conf/bg2vec-mntp.json"));
        assertEquals(32, recipe.train().globalBatchSize());
        assertEquals(1000, recipe.train().maxSteps());
        assertEquals(0.8, recipe.mntp().mlmProbability());
        assertEquals(0.05, recipe.train().loraDropout());
        MntpConfig tiny = MntpConfig.load(Path.of("conf/tiny-mntp.json"));
        assertTrue(tiny.mntp().lmHeadFromEmbeddings());
    }

    @Test
    void defaultsAreLlm2vecs() throws Exception {
        MntpSettings s = parse("{\"output_dir\": \"o\"}").mntp();
        assertEquals(CollatorType.DEFAULT, s.collatorType());
        assertEquals(0.15, s.mlmProbability());
        assertEquals(MaskTokenType.BLANK, s.maskTokenType());
        assertTrue(s.trainLmHead());
    }

    @Test
    void errorsNameEveryBadKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"output_dir": "o", "mlm_probability": 1.5, "data_collator_type": "whole_word",
                 "mask_token_type": "pad", "lm_head": "tied", "bidirectional": false}"""));
        for (String key : new String[]{"mlm_probability", "data_collator_type", "mask_token_type", "lm_head",
                "bidirectional"}) {
            assertTrue(e.getMessage().contains(key), key + " in: " + e.getMessage());
        }
    }
}
