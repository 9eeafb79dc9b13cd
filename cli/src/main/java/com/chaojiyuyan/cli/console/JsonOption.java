package com.chaojiyuyan.cli.console;

import picocli.CommandLine.Option;

/** {@code --json}: machine output, exactly one JSON document on stdout. */
public final class JsonOption {
    @Option(names = "--json", description = "Print one JSON document on stdout instead of a table.")
    public boolean json;
}
