package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.Environment;

/**
 * Where a password comes from: one line of stdin with {@code --password-stdin}, else the environment
 * variable named, else a prompt on the terminal without echo. Never from the command line, where other
 * users could see it in the process list.
 */
final class Passwords {
    private Passwords() {
    }

    static String read(Console console, boolean fromStdin, String variable, String prompt) {
        if (fromStdin) {
            String line = console.readLine();
            if (line == null || line.isEmpty()) {
                throw CliError.usage("no_password", "--password-stdin: no password on stdin");
            }
            return line;
        }
        if (variable != null && Environment.get(variable) != null) {
            return System.getenv(variable);
        }
        java.io.Console terminal = System.console();
        if (terminal == null || !Console.isTerminal(0)) {
            throw CliError.usage("no_password", "no terminal to ask for the password: pass it on stdin with --password-stdin"
                    + (variable == null ? "" : " or set " + variable));
        }
        char[] password = terminal.readPassword("%s", prompt);
        if (password == null || password.length == 0) {
            throw CliError.usage("no_password", "no password given");
        }
        return new String(password);
    }
}
