package com.chaojiyuyan.cli.client;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.CapabilitySpec;
import com.chaojiyuyan.sdk.KernelClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "capabilities", mixinStandardHelpOptions = true, description = "List the capability catalog.")
public final class CapabilitiesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Mixin
    ClientOptions client;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        List<CapabilitySpec> specs;
        try (KernelClient kernel = client.profile().client()) {
            specs = kernel.capabilities();
        }
        if (output.json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            ArrayNode items = doc.putArray("items");
            specs.forEach(s -> items.add(s.raw()));
            console.json(doc);
            return 0;
        }
        console.table(List.of("CAPABILITY", "NAME", "PRICE", "STATUS"), specs.stream()
                .map(s -> List.of(s.capabilityKey(), s.name() == null ? "" : s.name(), s.priceNc() + " nc", s.status()))
                .toList());
        return 0;
    }
}
