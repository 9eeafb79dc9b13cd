package com.chaojiyuyan.cli.admin;

import picocli.CommandLine.Command;

@Command(name = "admin", mixinStandardHelpOptions = true,
        description = {"Manage the server as a signed-in owner (chaojiyuyan login): agents and their keys, credits, "
                + "webhook endpoints, device-login approvals; and, as an administrator, owners, capability specs and credit grants."},
        subcommands = {
                OwnersCommand.class,
                AgentsAdminCommand.class,
                SpecsCommand.class,
                CreditsCommand.class,
                WebhooksCommand.class,
                DeviceDecisionCommand.Approve.class,
                DeviceDecisionCommand.Deny.class,
        })
public final class AdminCommand {
}
