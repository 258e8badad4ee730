package org.bg2vec.train;

import org.bg2vec.collective.SingleProcessCollective;
import org.bg2vec.loss.HardNegativeNLLLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFactsTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheTokenizerHashAndTheEosIdAsPadId() throws IOException {
        Files.writeString(tmp.resolve("tokenizer.json"), "abc");
        Files.writeString(tmp.resolve("config.json"), "{\"eos_token_id\": 2, \"bos_token_id\": 1}");
        ModelFacts f = ModelFacts.fromModelDir(tmp);
        // SHA-256("abc") from FIPS 180-2, appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", f.tokenizerSha256());
        assertEquals(2, f.padTokenId());
        Files.writeString(tmp.resolve("config.json"), "{\"eos_token_id\": [7, 8]}");
        assertEquals(7, ModelFacts.fromModelDir(tmp).padTokenId());
        Files.writeString(tmp.resolve("config.json"), "{}");
        assertThrows(IOException.class, () -> ModelFacts.fromModelDir(tmp));
    }

    @Test
    void theTrainerRefusesDataTokenizedWithAnotherTokenizer() throws Exception {
        Path data = TrainerFixtures.data(tmp.resolve("data"));
        TrainConfig c = TrainerFixtures.config(tmp.resolve("out"), data, "");
        try (ToyEncoder enc = TrainerFixtures.model(0f)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimCseTrainer.run(c, enc,
                    new HardNegativeNLLLoss(20f), new SingleProcessCollective(), new ModelFacts("ab".repeat(32), 2)));
            assertTrue(e.getMessage().contains("re-run 'bg2vec prepare' with the model's tokenizer"), e.getMessage());
        }
    }
}
