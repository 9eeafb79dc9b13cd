package com.chaojiyuyan.cli.console;

import picocli.CommandLine.Option;

/** {@code --verbose}: errors with their stack trace (also {@code CHAOJIYUYAN_VERBOSE=1}). Read by {@code Main}'s error handler. */
public final class VerboseOption {
    @Option(names = "--verbose", description = "Print stack traces on errors (or set CHAOJIYUYAN_VERBOSE).")
    public boolean verbose;
}
