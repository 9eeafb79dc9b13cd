package com.chaojiyuyan.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Print the version.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--json", description = "Print {\"version\": ...} as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (json) {
            spec.commandLine().getOut().println("{\"version\": \"" + Version.current() + "\"}");
            return 0;
        }
        spec.commandLine().getOut().println("chaojiyuyan " + Version.current());
        return 0;
    }
}
