package com.chaojiyuyan.kernel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One scrape of a node's {@code /metrics}, parsed from the Prometheus text format: samples with their
 * labels, and the declared type of each metric family.
 */
public final class PrometheusText {

    /** One sample line: {@code name{label="value",...} number}. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(String text, List<Sample> samples, Map<String, String> types) {
        this.text = text;
        this.samples = samples;
        this.types = types;
    }

    /** Scrapes {@code kernel}'s {@code /metrics} and checks it answered Prometheus text. */
    public static PrometheusText scrape(TestKernel kernel) {
        HttpApi.Response r = kernel.api().get(kernel.server().publicUrl() + "/metrics", null);
        assertThat(r.status()).as("GET /metrics: %s", r).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        return parse(r.text());
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring("# TYPE ".length()).trim().split("\\s+");
                types.put(parts[0], parts[1]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            samples.add(sample(line));
        }
        return new PrometheusText(text, samples, types);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            String body = line.substring(brace + 1, line.lastIndexOf('}'));
            int i = 0;
            while (i < body.length()) {
                int eq = body.indexOf('=', i);
                String key = body.substring(i, eq).trim();
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // past ="
                for (; body.charAt(j) != '"'; j++) {
                    char c = body.charAt(j);
                    if (c == '\\') {
                        c = body.charAt(++j);
                        value.append(c == 'n' ? '\n' : c);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (i < body.length() && body.charAt(i) == ',') {
                    i++;
                }
            }
        } else {
            name = line.substring(0, space).trim();
        }
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim()));
    }

    /** The samples of {@code name} whose labels include all of {@code labels}. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** The one sample of {@code name} with {@code labels}, if present. */
    public Optional<Double> find(String name, Map<String, String> labels) {
        List<Sample> found = samples(name, labels);
        assertThat(found).as("at most one %s%s", name, labels).hasSizeLessThanOrEqualTo(1);
        return found.stream().findFirst().map(Sample::value);
    }

    /** The value of the one sample of {@code name} with {@code labels}; fails when it is missing. */
    public double value(String name, Map<String, String> labels) {
        return find(name, labels).orElseThrow(() -> new AssertionError("no sample " + name + labels + " in:\n" + text));
    }

    public double value(String name) {
        return value(name, Map.of());
    }

    /** The sum over every series of {@code name} (0 when there is none yet). */
    public double sum(String name) {
        return samples(name, Map.of()).stream().mapToDouble(Sample::value).sum();
    }

    /** The {@code # TYPE} declared for a metric family, or null. */
    public String type(String family) {
        return types.get(family);
    }

    public String text() {
        return text;
    }
}
