package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.JsonText;
import com.chaojiyuyan.cli.console.KernelApi;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.HebingApiError;
import com.chaojiyuyan.sdk.internal.KernelHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

@Command(name = "specs", mixinStandardHelpOptions = true,
        description = "The capability catalog: list and show (any owner); apply and deprecate (administrators).")
final class SpecsCommand {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The capability specs, in key order.")
    int list(@Option(names = "--include-deprecated", description = "Also list deprecated specs.") boolean deprecated,
             @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        OwnerSession.call(api -> {
            String cursor = null;
            do {
                Map<String, Object> query = new LinkedHashMap<>();
                query.put("include_deprecated", deprecated);
                query.put("cursor", cursor);
                JsonNode page = api.get("/capability-specs", query);
                all.addAll((ArrayNode) page.get("items"));
                cursor = page.path("next_cursor").isString() ? page.get("next_cursor").asString() : null;
            } while (cursor != null);
            return null;
        });
        if (output.json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.set("items", all);
            console.json(doc);
        } else {
            console.table(List.of("CAPABILITY", "NAME", "PRICE", "LEASE", "ATTEMPTS", "STATUS"), Views.rows(all, s -> List.of(
                    s.get("capability_key").asString(), Views.text(s, "name"), Views.text(s, "price_nc") + " nc",
                    Views.text(s, "lease_seconds") + " s", Views.text(s, "max_attempts"), Views.text(s, "status"))));
        }
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One spec, with its schemas (JSON).")
    int show(@Parameters(paramLabel = "CAPABILITY") String key, @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        JsonNode one = OwnerSession.call(api -> api.get("/capability-specs/" + KernelApi.segment(key)));
        Console.of(spec).json(one); // schemas are JSON; there is no better table for them
        return 0;
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Create or replace specs from a JSON or YAML file (.yaml/.yml: YAML): one spec object, a list "
                    + "of them, or {\"items\": [...]}. Each is written whole (PUT): members left out return to their defaults."})
    int apply(@Parameters(paramLabel = "FILE") Path file, @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        List<JsonNode> specs = readSpecs(file);
        ArrayNode applied = JsonNodeFactory.instance.arrayNode();
        List<List<String>> rows = new ArrayList<>();
        OwnerSession.call(api -> {
            for (JsonNode s : specs) {
                String key = s.get("capability_key").asString();
                KernelHttp.Reply reply;
                try {
                    reply = api.put("/capability-specs/" + KernelApi.segment(key), s);
                } catch (HebingApiError e) {
                    throw CliError.failure(e.code(), key + ": " + (e.detail() == null ? e.getMessage() : e.detail())
                            + (applied.isEmpty() ? "" : " (" + applied.size() + " spec(s) before it were applied)"));
                }
                applied.add(reply.body());
                rows.add(List.of(key, reply.status() == 201 ? "created" : "replaced", reply.body().path("status").asString("")));
            }
            return null;
        });
        if (output.json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.set("items", applied);
            console.json(doc);
        } else {
            console.table(List.of("CAPABILITY", "RESULT", "STATUS"), rows);
        }
        return 0;
    }

    @Command(name = "deprecate", mixinStandardHelpOptions = true,
            description = "Deprecate a spec: new jobs for it are refused; open ones run to their end.")
    int deprecate(@Parameters(paramLabel = "CAPABILITY") String key, @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        JsonNode done = OwnerSession.call(api -> api.post("/capability-specs/" + KernelApi.segment(key) + "/deprecate", null));
        Console console = Console.of(spec);
        if (output.json) {
            console.json(done);
        } else {
            console.println(key + " " + done.path("status").asString(""));
        }
        return 0;
    }

    static List<JsonNode> readSpecs(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliError.usage("invalid_file", "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        JsonNode doc;
        try {
            doc = yaml ? YAML.readTree(text) : JsonText.parse(text);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw CliError.usage("invalid_file", file + " is not valid " + (yaml ? "YAML" : "JSON") + where + ": " + e.getOriginalMessage());
        }
        List<JsonNode> specs = new ArrayList<>();
        if (doc != null && doc.isArray()) {
            doc.forEach(specs::add);
        } else if (doc != null && doc.isObject() && doc.has("items") && doc.get("items").isArray()) {
            doc.get("items").forEach(specs::add);
        } else if (doc != null && doc.isObject()) {
            specs.add(doc);
        }
        if (specs.isEmpty()) {
            throw CliError.usage("invalid_file", file + " holds no capability spec (an object, a list, or {\"items\": [...]})");
        }
        for (int i = 0; i < specs.size(); i++) {
            JsonNode s = specs.get(i);
            if (!s.isObject() || !s.path("capability_key").isString()) {
                throw CliError.usage("invalid_file", file + ": spec " + (i + 1) + " has no \"capability_key\"");
            }
        }
        return specs;
    }
}
