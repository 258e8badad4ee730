package org.bg2vec.cli;

import org.apache.spark.sql.SparkSession;
import org.bg2vec.train.RealTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bg2vec train}: config errors before Spark starts, and the demo config end to end with 2 workers. */
class TrainCommandTest {

    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        return cl.execute(args);
    }

    @Test
    void configProblemsExitWith2BeforeSparkStarts() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "train", "--config", dir.resolve("none.json").toString()));
        assertTrue(err.toString().contains("none.json does not exist"), err.toString());

        err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "train", "--config", "conf/tiny-simcse.json", "--workers", "3"));
        assertTrue(err.toString().contains("conf/tiny-simcse.json") && err.toString().contains("global_batch_size 32"),
                err.toString());

        err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "train", "--config", "conf/tiny-simcse.json", "--workers", "2",
                "--master", "local[1]"));
        assertTrue(err.toString().contains("local[1] has 1 task slot(s) but 2 barrier worker(s)"), err.toString());

        err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "train", "--config", "conf/tiny-simcse.json",
                "--set", "learning_rate=\"fast\""));
        assertTrue(err.toString().contains("learning_rate"), err.toString());

        for (String device : List.of("cpu", "auto")) { // auto without spark.task.resource.gpu.amount is the CPU
            err = new StringWriter();
            assertEquals(2, run(new StringWriter(), err, "train", "--config", "conf/tiny-simcse.json",
                    "--set", "precision=fp16", "--device", device));
            assertTrue(err.toString().contains("precision fp16 needs a GPU"), err.toString());
        }
        err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "train", "--config", "conf/tiny-simcse.json", "--device", "cuda"));
        assertTrue(err.toString().contains("--device must be cpu, gpu or auto, got 'cuda'"), err.toString());
        assertTrue(SparkSession.getDefaultSession().isEmpty(), "no Spark session was started");
    }

    @Test
    void theTinyDemoConfigTrainsWithTwoWorkers() throws Exception {
        Path model = RealTraining.tinyModel(dir.resolve("model"));
        Path data = RealTraining.data(dir.resolve("data"), model, 48);
        Path out = dir.resolve("simcse");
        StringWriter stdout = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("train", "--config", "conf/tiny-simcse.json", "--workers", "2",
                "--conf", "spark.ui.enabled=false", "--collective-timeout", "60",
                "--set", "model_name_or_path=" + model, "--set", "train_data=" + data, "--set", "output_dir=" + out,
                "--set", "max_steps=4", "--set", "stop_after_n_steps=4", "--set", "eval_steps=2",
                "--set", "max_seq_length=32", "--no-resume"));
        int code = run(stdout, err, args.toArray(new String[0]));
        assertEquals(0, code, err.toString());
        String printed = stdout.toString();
        assertTrue(printed.contains("trained 4 steps with 2 worker(s)"), printed);
        assertTrue(printed.contains("adapter:        " + out.resolve("adapter")), printed);
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_config.json")));
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        long trainLines = Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"type\":\"train\"")).count();
        assertEquals(4, trainLines);
        assertEquals(2, Files.readAllLines(out.resolve("worker-metrics.jsonl")).size());
        assertTrue(SparkSession.getDefaultSession().isEmpty(), "the command stopped its Spark session");
    }

    @Test
    void aPermanentFailureInTrainingExitsWith2WithoutRetrying() throws Exception {
        Path model = RealTraining.tinyModel(dir.resolve("model"));
        Path data = RealTraining.data(dir.resolve("data"), model, 48);
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "train", "--config", "conf/tiny-simcse.json",
                "--conf", "spark.ui.enabled=false", "--set", "model_name_or_path=" + model, "--set", "train_data=" + data,
                "--set", "output_dir=" + dir.resolve("out"), "--set", "max_seq_length=32",
                "--set", "resume=" + dir.resolve("nowhere/step-3"));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("not retried") && err.toString().contains("cannot resume from "
                + dir.resolve("nowhere/step-3")), err.toString());
        assertTrue(err.toString().contains("attempt 1: ") && !err.toString().contains("attempt 2: "), err.toString());
    }
}
