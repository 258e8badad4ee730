package org.bg2vec.cli;

/** Exit code and message for a subcommand that is not built yet: never a fake success. */
final class NotImplemented {
    static final int EXIT_CODE = 3;

    private NotImplemented() {
    }

    static int report(String command) {
        System.err.println("bg2vec " + command + ": not implemented yet");
        return EXIT_CODE;
    }
}
