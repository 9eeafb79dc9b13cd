package com.chaojiyuyan.cli;

import com.chaojiyuyan.cli.console.CliError;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for bash or zsh.", "",
                "bash:  source <(chaojiyuyan completion bash)      (or save it to ~/.local/share/bash-completion/completions/chaojiyuyan)",
                "zsh:   source <(chaojiyuyan completion zsh)       (in ~/.zshrc)"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELL", defaultValue = "bash", description = "bash (default) or zsh.")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw CliError.usage("invalid_parameter", "completion scripts exist for bash and zsh, not " + shell);
        }
        // One script serves both: picocli's loads bashcompinit itself when zsh runs it.
        String script = AutoComplete.bash("chaojiyuyan", spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
