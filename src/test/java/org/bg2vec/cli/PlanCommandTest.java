package org.bg2vec.cli;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bg2vec plan} for the Bg2Vec recipe on BgGPT-7B's shapes, and {@code train} refusing what cannot fit. */
class PlanCommandTest {

    private static final String BGGPT = "conf/models/bggpt-7b";

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        return cl.execute(args);
    }

    @Test
    void theRecipeFits24And40And80GbGpusAccordingToThePlan() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, "plan", "--config", "conf/bg2vec-simcse.json", "--model-config",
                BGGPT + "/config.json", "--gpu-memory", "22.5GiB", "--gpu-memory", "40GiB", "--gpu-memory", "79.6GiB"));
        String s = out.toString();
        assertTrue(s.contains("recompute off") && s.contains("recompute on"), s);
        // 7.135e9 parameters in fp16 (Mistral-7B's count with BgGPT's 38000-row embedding, no lm_head)
        assertTrue(s.contains("base weights (fp16, 7.14 G parameters)") && s.contains("13.29 GiB"), s);
        assertTrue(s.contains("micro-batch 32,"), s);
        // the recipe recomputes (gradient_checkpointing: true): the second verdict of each line is its own
        for (String size : new String[]{"22.50 GiB", "40.00 GiB", "79.60 GiB"}) {
            String line = s.lines().filter(l -> l.startsWith(size)).findFirst().orElseThrow();
            assertTrue(line.matches(size + " +(yes|NO) / yes .*"), "the recipe fits " + size + ": " + line);
        }
        String forty = s.lines().filter(l -> l.startsWith("40.00 GiB")).findFirst().orElseThrow();
        assertTrue(forty.startsWith("40.00 GiB      NO / yes"), "without recomputation 32 would not fit: " + forty);
    }

    @Test
    void trainRefusesWhatCannotFitWithThePlanAndWhatWouldFit() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "train", "--config", "conf/bg2vec-simcse.json", "--device", "gpu",
                "--set", "model_name_or_path=" + BGGPT, "--set", "gpu_memory=22.5GiB",
                "--set", "gradient_checkpointing=false", "--set", "micro_batch_size=32"));
        String e = err.toString();
        assertTrue(e.contains("does not fit 22.50 GiB per worker with micro_batch_size 32"), e);
        assertTrue(e.contains("micro_batch_size 2 fits (gradient_checkpointing false), or 32 with gradient_checkpointing"
                + " true"), e);
        assertTrue(e.contains("recompute off") && e.contains("= total at the training peak"), "the table: " + e);
        assertTrue(SparkSession.getDefaultSession().isEmpty(), "no Spark session was started");
    }

    @Test
    void anMntpConfigIsPlannedAsMntp() {
        StringWriter out = new StringWriter();
        assertEquals(0, run(out, new StringWriter(), "plan", "--config", "conf/bg2vec-mntp.json", "--model-config",
                BGGPT + "/config.json", "--gpu-memory", "22.5GiB"));
        String s = out.toString();
        assertTrue(s.contains("objective: MNTP (lm_head trained, mlm_probability 0.8)"), s);
        assertTrue(s.contains("MNTP lm_head, trained: fp32 values + gradients") && !s.contains("GradCache"), s);
        out = new StringWriter();
        assertEquals(0, run(out, new StringWriter(), "plan", "--config", "conf/bg2vec-mntp.json", "--model-config",
                BGGPT + "/config.json", "--objective", "simcse"));
        assertTrue(out.toString().contains("objective: SimCSE (GradCache)"), out.toString());
    }

    @Test
    void badOptionsAreReported() {
        StringWriter err = new StringWriter();
        assertEquals(1, run(new StringWriter(), err, "plan", "--config", "conf/bg2vec-simcse.json", "--model-config",
                BGGPT + "/config.json", "--gpu-memory", "lots"));
        assertTrue(err.toString().contains("'lots' is not a byte size"), err.toString());
        err = new StringWriter();
        assertEquals(1, run(new StringWriter(), err, "plan", "--config", "conf/bg2vec-simcse.json"));
        assertTrue(err.toString().contains("models/BgGPT-7B-Instruct-v0.2/config.json"), err.toString());
    }
}
