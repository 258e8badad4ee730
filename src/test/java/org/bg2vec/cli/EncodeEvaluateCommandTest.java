package org.bg2vec.cli;

import org.bg2vec.djl.DeviceRequest;
import org.bg2vec.encode.EncodeSpec;
import org.bg2vec.eval.EvalDatasets;
import org.bg2vec.eval.EvaluateSpec;
import org.bg2vec.io.TableFormat;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncodeEvaluateCommandTest {

    @Test
    void encodeOptionsBecomeTheSpec() {
        EncodeCommand cmd = new EncodeCommand();
        new CommandLine(cmd).parseArgs("--model", "m", "--adapter", "a", "--input", "in/docs.jsonl",
                "--text-column", "body", "--id-columns", "id,lang", "--output", "out", "--normalize",
                "--instruction", "Намери статия", "--batch-size", "8", "--conf", "spark.executor.cores=4",
                "--master", "local[2]");
        EncodeSpec spec = cmd.spec();
        assertEquals(TableFormat.JSONL, spec.format());
        assertEquals("body", spec.textColumn());
        assertEquals(List.of("id", "lang"), spec.idColumns());
        assertTrue(spec.options().normalize());
        assertEquals("Намери статия", spec.options().instruction());
        assertEquals(8, spec.options().batchSize());
        assertFalse(spec.overwrite());
        assertEquals(Map.of("spark.executor.cores", "4"), cmd.spark.conf);
        assertEquals("local[2]", cmd.spark.master);
    }

    @Test
    void encodeDefaults() {
        EncodeCommand cmd = new EncodeCommand();
        new CommandLine(cmd).parseArgs("--model", "m", "--input", "in.parquet", "--output", "out");
        EncodeSpec spec = cmd.spec();
        assertEquals("text", spec.textColumn());
        assertEquals(List.of(), spec.idColumns());
        assertFalse(spec.options().normalize());
        assertNull(spec.options().instruction());
        assertEquals(32, spec.options().batchSize());
    }

    @Test
    void unknownInputFormatIsAOneLineErrorBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("encode", "--model", "m", "--input", "in.txt", "--output", "out");
        assertEquals(CliErrors.EXIT_CODE, code);
        assertTrue(err.toString().startsWith("bg2vec encode: cannot tell the format of in.txt"), err.toString());
    }

    @Test
    void evaluateOptionsBecomeTheSpec() {
        EvaluateCommand cmd = new EvaluateCommand();
        new CommandLine(cmd).parseArgs("--model", "m", "--adapter", "a", "--data", "prepared", "--pairs",
                "triples.csv", "--output", "report", "--batch-size", "4");
        EvaluateSpec spec = cmd.spec();
        assertEquals(new EvaluateSpec("prepared", "triples.csv", "report", 4, EvalDatasets.DEFAULT_MAX_UNIFORMITY,
                DeviceRequest.AUTO),
                spec);
        assertNull(cmd.models.maxLength, "no --max-length: the models' llm2vec_config.json decides");
    }

    @Test
    void evaluateRejectsBadNumbers() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("evaluate", "--model", "m", "--data", "d", "--output", "o", "--batch-size", "0");
        assertEquals(CliErrors.EXIT_CODE, code);
        assertTrue(err.toString().contains("batch size must be >= 1, got 0"), err.toString());
    }
}
