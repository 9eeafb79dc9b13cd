package com.chaojiyuyan.cli.console;

/**
 * A failure the command reports as one line, {@code chaojiyuyan: error: <code>: <message>}, with a stable
 * code and the exit status: 1 for a failure, 2 for a usage or configuration error.
 */
public final class CliError extends RuntimeException {
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private final String code;
    private final int exitCode;

    private CliError(String code, String message, int exitCode) {
        super(message);
        this.code = code;
        this.exitCode = exitCode;
    }

    /** Something went wrong (exit 1). */
    public static CliError failure(String code, String message) {
        return new CliError(code, message, FAILURE);
    }

    /** The command line or the configuration is wrong (exit 2). */
    public static CliError usage(String code, String message) {
        return new CliError(code, message, USAGE);
    }

    public String code() {
        return code;
    }

    public int exitCode() {
        return exitCode;
    }
}
