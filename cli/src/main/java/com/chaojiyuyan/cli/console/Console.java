package com.chaojiyuyan.cli.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/**
 * A command's terminal: results on stdout (a table for people, exactly one JSON document with
 * {@code --json}), messages, prompts and progress on stderr, answers from stdin. Colour only when stdout
 * is a terminal and {@code NO_COLOR} is unset; progress only when stderr is a terminal.
 */
public final class Console {
    /** One reader for the whole process: a key read from stdin and a later y/N answer share it. */
    private static BufferedReader stdin;

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean colour;
    private final boolean stderrTerminal;

    private Console(PrintWriter out, PrintWriter err, boolean colour, boolean stderrTerminal) {
        this.out = out;
        this.err = err;
        this.colour = colour;
        this.stderrTerminal = stderrTerminal;
    }

    public static Console of(CommandSpec spec) {
        boolean noColour = System.getenv("NO_COLOR") != null && !System.getenv("NO_COLOR").isEmpty()
                || "dumb".equals(System.getenv("TERM"));
        return new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), !noColour && isTerminal(1), isTerminal(2));
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /** A line on stdout. */
    public void println(String line) {
        out.println(line);
        out.flush();
    }

    /** A message for the person, on stderr (never mixed into results). */
    public void note(String line) {
        err.println(line);
        err.flush();
    }

    /** One JSON document on stdout. */
    public void json(JsonNode doc) {
        out.println(JsonText.pretty(doc));
        out.flush();
    }

    /** Aligned columns with a header row; empty cells as {@code -}. */
    public void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        for (List<String> row : rows) {
            all.add(row.stream().map(c -> c == null || c.isEmpty() ? "-" : c).toList());
        }
        for (List<String> row : all) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (int r = 0; r < all.size(); r++) {
            StringBuilder line = new StringBuilder();
            List<String> row = all.get(r);
            for (int i = 0; i < widths.length; i++) {
                String cell = row.get(i);
                boolean last = i == widths.length - 1;
                String padded = last ? cell : cell + " ".repeat(widths[i] - cell.length() + 2);
                line.append(r == 0 ? bold(padded) : padded);
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** {@code name: value} lines, names aligned. */
    public void fields(List<String[]> pairs) {
        int width = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
        for (String[] p : pairs) {
            out.println(p[0] + ":" + " ".repeat(width - p[0].length() + 1) + (p[1] == null ? "-" : p[1]));
        }
        out.flush();
    }

    /**
     * Asks on stderr and reads the answer from stdin: true only for {@code y} or {@code yes}; no answer
     * (end of input) is no.
     */
    public boolean confirm(String question) {
        err.print(question + " [y/N] ");
        err.flush();
        String answer = readLine();
        if (answer == null) {
            err.println();
            err.flush();
            return false;
        }
        String a = answer.strip().toLowerCase(java.util.Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }

    /** The next line of stdin, or null at its end. */
    public String readLine() {
        try {
            return stdin().readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rest of stdin. */
    public String readAll() {
        StringBuilder sb = new StringBuilder();
        try {
            char[] buf = new char[8192];
            for (int n; (n = stdin().read(buf)) > 0; ) {
                sb.append(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    /** A spinner on stderr while something is waited for; silent unless stderr is a terminal and {@code enabled}. */
    public Spinner spinner(String message, boolean enabled) {
        return Spinner.start(err, message, enabled && stderrTerminal);
    }

    public String green(String s) {
        return paint(s, "32");
    }

    public String red(String s) {
        return paint(s, "31");
    }

    public String yellow(String s) {
        return paint(s, "33");
    }

    public String bold(String s) {
        return paint(s, "1");
    }

    /** A job status, coloured by how it ended. */
    public String status(String status) {
        if (status == null) {
            return null;
        }
        return switch (status) {
            case "succeeded" -> green(status);
            case "failed", "expired" -> red(status);
            case "cancelled" -> yellow(status);
            default -> status;
        };
    }

    private String paint(String s, String sgr) {
        return colour && s != null ? "\u001b[" + sgr + "m" + s + "\u001b[0m" : s;
    }

    private static synchronized BufferedReader stdin() {
        if (stdin == null) {
            stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        return stdin;
    }

    /**
     * Whether file descriptor {@code fd} is a terminal. Java has no call for one stream, so on Linux this
     * looks where {@code /proc/self/fd/N} points; elsewhere it falls back to whether the JVM has a console.
     */
    public static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        if (Files.exists(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ answers a console even when redirected; isTerminal() tells the truth there.
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
