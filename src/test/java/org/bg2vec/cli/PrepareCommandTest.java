package org.bg2vec.cli;

import org.apache.spark.sql.SparkSession;
import org.bg2vec.prepare.TestDumps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option checks of {@code bg2vec prepare} that must fail before any Spark session exists. */
class PrepareCommandTest {

    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void missingTokenizerIsAClearErrorBeforeSparkStarts() throws Exception {
        Path xml = TestDumps.writeXml(dir.resolve("d.xml"), TestDumps.dump(TestDumps.articles(1, 3)));
        StringWriter err = new StringWriter();
        int code = run(err, "prepare", "--input", xml.toString(), "--tokenizer", dir.resolve("nope/tokenizer.json")
                .toString(), "--output", dir.resolve("out").toString());
        assertEquals(PrepareCommand.BAD_INPUT, code);
        assertTrue(err.toString().contains("tokenizer not found") && err.toString().contains("nope/tokenizer.json"),
                err.toString());
        assertTrue(SparkSession.getDefaultSession().isEmpty(), "no Spark session was started");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void existingOutputAndBadOptionsAreRefusedBeforeSparkStarts() throws Exception {
        Path xml = TestDumps.writeXml(dir.resolve("d.xml"), TestDumps.dump(TestDumps.articles(1, 3)));
        Files.createDirectories(dir.resolve("out"));
        String tok = "src/test/resources/tokenizers/llama2/tokenizer.json";
        StringWriter err = new StringWriter();
        assertEquals(PrepareCommand.BAD_INPUT, run(err, "prepare", "--input", xml.toString(), "--tokenizer", tok,
                "--output", dir.resolve("out").toString()));
        assertTrue(err.toString().contains("already exists") && err.toString().contains("--overwrite"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(PrepareCommand.BAD_INPUT, run(err2, "prepare", "--input", xml.toString(), "--tokenizer", tok,
                "--output", dir.resolve("o2").toString(), "--sample-mode", "sentences"));
        assertTrue(err2.toString().contains("'article' or 'passage'"), err2.toString());
        StringWriter err3 = new StringWriter();
        assertEquals(PrepareCommand.BAD_INPUT, run(err3, "prepare", "--input", xml.toString(), "--tokenizer", tok,
                "--output", dir.resolve("o3").toString(), "--min-cyrillic", "1.5"));
        assertTrue(err3.toString().contains("min_cyrillic must be in [0, 1]"), err3.toString());
        assertTrue(SparkSession.getDefaultSession().isEmpty(), "no Spark session was started");
    }

    @Test
    void emptyInputDirectoryIsAClearErrorBeforeSparkStarts() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("dump"));
        Files.writeString(empty.resolve("_SUCCESS"), "");
        Files.writeString(empty.resolve(".part.crc"), "x");
        Files.createDirectories(empty.resolve("sub"));
        StringWriter err = new StringWriter();
        int code = run(err, "prepare", "--input", empty.toString(), "--tokenizer",
                "src/test/resources/tokenizers/llama2/tokenizer.json", "--output", dir.resolve("out").toString());
        assertEquals(PrepareCommand.BAD_INPUT, code);
        assertTrue(err.toString().contains(empty.getFileName().toString()) && err.toString().contains("no files"),
                err.toString());
        assertTrue(SparkSession.getDefaultSession().isEmpty(), "no Spark session was started");
        assertFalse(Files.exists(dir.resolve("out")));
    }
}
