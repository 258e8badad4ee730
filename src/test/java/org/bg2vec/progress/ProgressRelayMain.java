package org.bg2vec.progress;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Test helper run in a child JVM: a relay on 127.0.0.1 with the token given as the argument. Prints
 * "PORT n", then "LINE text" for every relayed line; exits when its stdin closes.
 */
public final class ProgressRelayMain {

    private ProgressRelayMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (ProgressRelay relay = new ProgressRelay("127.0.0.1", args[0], line -> out.println("LINE " + line))) {
            out.println("PORT " + relay.port());
            while (System.in.read() >= 0) {
                // wait for the test to close our stdin (or stop us by pid)
            }
        }
    }
}
