package com.chaojiyuyan.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start and worker example are the code the tests run: each README block between
 * {@code <!-- snippet:NAME -->} markers contains, line for line, the lines between
 * {@code // README: NAME} and {@code // README: end} in the test that runs them against a real kernel.
 */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("README.md");
    private static final Path TESTS = Path.of("src/test/java/com/chaojiyuyan/sdk");

    @Test
    void theQuickStartIsTheOneCallerTestRuns() throws IOException {
        assertThat(readmeBlock("quick-start")).contains(testedLines(TESTS.resolve("CallerTest.java"), "quick-start"));
    }

    @Test
    void theWorkerExampleIsTheOneWorkerRunTestRuns() throws IOException {
        assertThat(readmeBlock("worker-example")).contains(testedLines(TESTS.resolve("worker/WorkerRunTest.java"), "worker-example"));
    }

    private static String readmeBlock(String name) throws IOException {
        Matcher m = Pattern.compile("<!-- snippet:" + name + " -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(README));
        assertThat(m.find()).as("README.md has a java block after <!-- snippet:%s -->", name).isTrue();
        return m.group(1);
    }

    private static String testedLines(Path source, String name) throws IOException {
        List<String> lines = Files.readAllLines(source);
        int start = lines.indexOf(lines.stream().filter(l -> l.trim().equals("// README: " + name)).findFirst().orElseThrow());
        int end = start + 1;
        while (!lines.get(end).trim().equals("// README: end")) {
            end++;
        }
        List<String> block = lines.subList(start + 1, end);
        int indent = block.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", block.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList()) + "\n";
    }
}
