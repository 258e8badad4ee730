package org.bg2vec.encode;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import org.apache.hadoop.conf.Configuration;
import org.bg2vec.djl.ComputeDevice;
import org.bg2vec.djl.DjlRuntime;
import org.bg2vec.djl.Autograd;
import org.bg2vec.model.EncoderOptions;
import org.bg2vec.model.LoraConfig;
import org.bg2vec.model.MistralEncoder;
import org.bg2vec.model.ModelPreset;
import org.bg2vec.model.Pooling;
import org.bg2vec.model.RandomCheckpoint;
import org.bg2vec.modelstore.ModelStore;
import org.bg2vec.tokenize.TokenizedBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * encode honours the adapter's llm2vec_config.json as llm2vec 0.2.2 does. Each expected embedding is computed from
 * token ids built here, with the Hugging Face tokenizer directly, by llm2vec's rules (not through bg2vec's
 * tokenization code): row = BOS + the first max_length-1 ids of instruction+text; pooled = the last
 * min(ids of the text alone, max_length) positions.
 */
class Llm2VecEncodingTest {

    static final Path LLAMA2 = Paths.get("src/test/resources/tokenizers/llama2/tokenizer.json");
    static final String LONG = "Черно море е вътрешно море между Югоизточна Европа и Мала Азия, свързано със"
            + " Средиземно море чрез Босфора, Мраморно море и Дарданелите.";
    static final String SHORT = "Рила е планина.";
    static final String INSTRUCTION = "Намери статия";

    @TempDir
    static Path dir;
    static Path model;
    static HuggingFaceTokenizer hf;

    @BeforeAll
    static void setUp() throws IOException {
        model = dir.resolve("model");
        RandomCheckpoint.write(ModelPreset.TINY, LLAMA2, "<s>", "</s>", 5L, model);
        Files.copy(LLAMA2, model.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        DjlRuntime.engine();
        hf = HuggingFaceTokenizer.newInstance(LLAMA2, Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false"));
    }

    @AfterAll
    static void tearDown() {
        hf.close();
    }

    /** A PEFT adapter of the tiny model with the given llm2vec_config.json (null: none). */
    static Path adapter(String name, String llm2vecConfig) throws IOException {
        Path a = dir.resolve(name);
        try (MistralEncoder enc = MistralEncoder.load(model, EncoderOptions.cpu())) {
            enc.newTrainableAdapter(new LoraConfig(4, 8, 0.0, List.of("q_proj", "v_proj"), model.toString()), 1L);
            enc.saveAdapter(a);
        }
        if (llm2vecConfig != null) {
            Files.writeString(a.resolve(Llm2VecSettings.FILE), llm2vecConfig);
        }
        return a;
    }

    private static long[] ids(String text) {
        return hf.encode(text).getIds();
    }

    /** The embedding of one row built by llm2vec's rules from {@code original} and its pooled text part. */
    private static float[] expected(List<Path> adapters, Pooling pooling, String original, String textPart,
                                    int maxLength, boolean skipInstruction) throws IOException {
        long[] textIds = ids(original);
        int kept = Math.min(textIds.length, maxLength - 1);
        long[] row = new long[kept + 1];
        row[0] = 1; // BOS of the Llama-2 tokenizer
        System.arraycopy(textIds, 0, row, 1, kept);
        int n = Math.min(ids(textPart).length, maxLength);
        long[] attention = new long[row.length];
        Arrays.fill(attention, 1);
        long[] pooled = new long[row.length];
        for (int j = skipInstruction ? Math.max(0, row.length - n) : 0; j < row.length; j++) {
            pooled[j] = 1;
        }
        try (MistralEncoder enc = MistralEncoder.load(model, EncoderOptions.cpu().withPooling(pooling));
             NDManager m = DjlRuntime.newManager(); Autograd.Scope noGrad = Autograd.gradMode(false)) {
            for (Path a : adapters) {
                enc.mergeAdapter(a);
            }
            return enc.embed(m, new TokenizedBatch(1, row.length, row, attention, pooled), false, 0L).toFloatArray();
        }
    }

    private static float[] encode(TextEmbedderFactory factory, String instruction, String text) {
        try (TextEmbedder e = factory.open(ComputeDevice.cpu(), ModelStore.withDefaults(new Configuration()))) {
            return new Encoder(e, new EncodeOptions(4, false, instruction)).encode(List.of(text))[0];
        }
    }

    @Test
    void aTextLongerThanTheAdaptersMaxLengthIsCutAsLlm2VecCutsIt() throws IOException {
        Path a = adapter("short-context", "{\"pooling_mode\": \"mean\", \"max_length\": 16,"
                + " \"doc_max_length\": 400, \"skip_instruction\": true}");
        assertTrue(ids(LONG).length > 30, "the text is much longer than max_length");
        TextEmbedderFactory factory = EmbedderFactories.forModel(model, a);

        float[] noInstruction = encode(factory, null, LONG);
        assertArrayEquals(expected(List.of(a), Pooling.MEAN, LONG, LONG, 16, true), noInstruction, 1e-6f);

        float[] withInstruction = encode(factory, INSTRUCTION, LONG);
        // llm2vec: the row is "Намери статия " + text cut to 16 ids with BOS; the text alone has >= 16 ids, so all
        // 16 positions are pooled, instruction and BOS included
        assertArrayEquals(expected(List.of(a), Pooling.MEAN, INSTRUCTION + " " + LONG, LONG, 16, true),
                withInstruction, 1e-6f);
        float[] shortWithInstruction = encode(factory, INSTRUCTION, SHORT);
        assertArrayEquals(expected(List.of(a), Pooling.MEAN, INSTRUCTION + " " + SHORT, SHORT, 16, true),
                shortWithInstruction, 1e-6f);

        float[] longer = encode(EmbedderFactories.forModel(model.toString(), List.of(), a.toString(), 64, null),
                null, LONG);
        assertArrayEquals(expected(List.of(a), Pooling.MEAN, LONG, LONG, 64, true), longer, 1e-6f);
        assertTrue(Vectors.cosine(longer, noInstruction) < 0.999, "--max-length 64 overrides the file's 16");
    }

    @Test
    void docMaxLengthCutsLongTextsToWholeWordsFirst() throws IOException {
        Path a = adapter("doc-max", "{\"max_length\": 64, \"doc_max_length\": 10}");
        // llm2vec's _convert_to_str, by hand: the text has T > 10 ids; keep int(words * 10 / T) words, repeat
        String t = LONG;
        int length = Math.min(ids(t).length, 64);
        int rounds = 0;
        while (length > 10) {
            String[] words = t.trim().split("\\s+");
            t = String.join(" ", Arrays.copyOf(words, (int) (words.length * (10.0 / length))));
            length = Math.min(ids(t).length, 64);
            rounds++;
        }
        assertTrue(rounds >= 1 && ids(t).length <= 10 && !t.isEmpty(), t);
        assertArrayEquals(expected(List.of(a), Pooling.MEAN, t, t, 64, true),
                encode(EmbedderFactories.forModel(model, a), null, LONG), 1e-6f);
    }

    @Test
    void skipInstructionFalsePoolsEveryAttendedToken() throws IOException {
        Path a = adapter("no-skip", "{\"max_length\": 32, \"skip_instruction\": false, \"pooling_mode\": \"mean\"}");
        assertArrayEquals(expected(List.of(a), Pooling.MEAN, INSTRUCTION + " " + SHORT, SHORT, 32, false),
                encode(EmbedderFactories.forModel(model, a), INSTRUCTION, SHORT), 1e-6f);
    }

    @Test
    void eosTokenPoolingAppendsTheEosTextAndPoolsTheLastPosition() throws IOException {
        Path a = adapter("eos", "{\"max_length\": 32, \"pooling_mode\": \"eos_token\"}");
        long[] withEos = ids(SHORT + " </s>");
        assertEquals(2L, withEos[withEos.length - 1], "the tokenizer reads </s> as EOS");
        assertArrayEquals(expected(List.of(a), Pooling.EOS_TOKEN, SHORT + " </s>", SHORT + " </s>", 32, true),
                encode(EmbedderFactories.forModel(model, a), null, SHORT), 1e-6f);
    }

    @Test
    void settingsComeFromTheLastAdapterWithTheFileThenTheBaseThenTheDefaults() throws IOException {
        Path base = dir.resolve("base-with-config");
        Files.createDirectories(base);
        Files.copy(model.resolve("config.json"), base.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(base.resolve(Llm2VecSettings.FILE), "{\"max_length\": 32, \"pooling_mode\": \"weighted_mean\"}");
        Path mntp = adapter("mntp-without-file", null);
        Path simcse = adapter("simcse", "{\"max_length\": 16, \"pooling_mode\": \"mean\", \"doc_max_length\": 300,"
                + " \"skip_instruction\": true}");
        Configuration conf = new Configuration();

        Llm2VecSettings fromAdapter = Llm2VecSettings.resolve(base.toString(), List.of(mntp.toString(),
                simcse.toString()), null, null, conf);
        assertEquals(List.of(16, 300, Pooling.MEAN, true), List.of(fromAdapter.maxLength(),
                fromAdapter.docMaxLength(), fromAdapter.pooling(), fromAdapter.skipInstruction()));
        assertTrue(fromAdapter.source().equals(Llm2VecSettings.FILE + " of " + simcse), fromAdapter.source());

        Llm2VecSettings fromBase = Llm2VecSettings.resolve(base.toString(), List.of(mntp.toString()), null, null, conf);
        assertEquals(List.of(32, 400, Pooling.WEIGHTED_MEAN), List.of(fromBase.maxLength(), fromBase.docMaxLength(),
                fromBase.pooling()));

        Llm2VecSettings defaults = Llm2VecSettings.resolve(model.toString(), List.of(), null, null, conf);
        assertEquals(List.of(512, 400, Pooling.MEAN, true), List.of(defaults.maxLength(), defaults.docMaxLength(),
                defaults.pooling(), defaults.skipInstruction()));

        Llm2VecSettings overridden = Llm2VecSettings.resolve(base.toString(), List.of(simcse.toString()), 24,
                Pooling.EOS_TOKEN, conf);
        assertEquals(List.of(24, Pooling.EOS_TOKEN), List.of(overridden.maxLength(), overridden.pooling()));
        assertTrue(overridden.source().endsWith("overridden by --max-length 24 and --pooling eos_token"),
                overridden.source());
    }

    @Test
    void theResolvedFactoryCarriesTheEffectiveSettingsForTheTasks() throws IOException {
        Path a = adapter("resolved", "{\"max_length\": 20}");
        MistralTextEmbedder.Factory f = (MistralTextEmbedder.Factory) EmbedderFactories.forModel(model, a)
                .resolve(new Configuration());
        assertEquals(20, f.settings().maxLength());
        assertTrue(f.model().startsWith("file:") && f.describe().contains("max_length 20"), f.describe());
        List<String> malformed = new ArrayList<>(List.of("{\"max_length\": \"long\"}"));
        Path bad = adapter("malformed", malformed.get(0));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EmbedderFactories.forModel(model, bad).resolve(new Configuration()));
        assertTrue(e.getMessage().contains("max_length must be an integer"), e.getMessage());
    }
}
