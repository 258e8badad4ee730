package org.bg2vec.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    static final List<String> SUBCOMMANDS = List.of("prepare", "train", "plan", "encode", "evaluate", "init-model",
            "demo");

    @Test
    void helpListsAllSubcommands() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        for (String s : SUBCOMMANDS) {
            assertTrue(out.toString().contains(s), "help lists " + s + ":\n" + out);
        }
    }

    @Test
    void everySubcommandHasHelp() {
        for (String s : SUBCOMMANDS) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            assertEquals(0, cl.execute(s, "--help"), s);
            assertTrue(out.toString().contains("Usage: bg2vec " + s), out.toString());
        }
    }

    @Test
    void missingSubcommandIsAnError() {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cl.execute());
    }
}
