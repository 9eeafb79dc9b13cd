package com.chaojiyuyan.cli.admin;

import picocli.CommandLine.Command;

@Command(name = "admin", mixinStandardHelpOptions = true,
        description = {"Owner and administrator commands (after chaojiyuyan login).", "",
                "As an owner: your agents and their keys, credits, webhook endpoints, device-login approvals. "
                        + "As an administrator also: owners, capability specs, credit grants."},
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
