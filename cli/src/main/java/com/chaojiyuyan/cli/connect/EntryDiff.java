package com.chaojiyuyan.cli.connect;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonText;
import com.chaojiyuyan.cli.console.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The change to {@code mcpServers.chaojiyuyan}, as a line diff of the member before and after, with every
 * secret-looking {@code env} value masked. Only that member is shown: nothing else changes, and the rest of
 * the file may hold other servers' secrets, which are not this command's to print.
 */
final class EntryDiff {
    private EntryDiff() {
    }

    static boolean print(Console console, McpConfigFile file, JsonNode before, JsonNode after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        if (java.util.Objects.equals(before, after)) {
            console.println("mcpServers." + McpConfigFile.NAME + " in " + file.path() + " is already up to date");
            return false;
        }
        console.println("--- " + file.path() + (file.exists() ? "" : " (new file)"));
        console.println("+++ " + file.path());
        console.println("@@ mcpServers." + McpConfigFile.NAME + " @@");
        for (String line : diff(a, b)) {
            char sign = line.charAt(0);
            console.println(sign == '-' ? console.red(line) : sign == '+' ? console.green(line) : line);
        }
        console.println("(" + file.otherServers() + " other server(s) in mcpServers and " + file.otherTopLevelMembers()
                + " other top-level member(s) stay as they are)");
        return true;
    }

    private static List<String> lines(JsonNode entry) {
        if (entry == null) {
            return List.of();
        }
        String text = "\"" + McpConfigFile.NAME + "\": " + JsonText.pretty(masked(entry));
        return List.of(text.split("\n"));
    }

    private static JsonNode masked(JsonNode entry) {
        JsonNode copy = entry.deepCopy();
        if (copy.get("env") instanceof ObjectNode env) {
            for (Map.Entry<String, JsonNode> e : env.properties()) {
                if (Secrets.isSecretName(e.getKey()) && e.getValue().isString()) {
                    env.put(e.getKey(), Secrets.mask(e.getValue().asString()));
                }
            }
        }
        return copy;
    }

    /** A longest-common-subsequence line diff: {@code " line"}, {@code "-line"}, {@code "+line"}. */
    static List<String> diff(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add(" " + a.get(i++));
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+" + b.get(j++));
            } else {
                out.add("-" + a.get(i++));
            }
        }
        return out;
    }
}
