package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.KernelApi;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.HebingApiError;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "logout", mixinStandardHelpOptions = true,
        description = {"Sign out: revoke the owner session and delete it.", "",
                "Revokes the token on the server (when reachable) and deletes ~/.chaojiyuyan/session."})
public final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        Optional<OwnerSession> session = OwnerSession.read();
        if (session.isEmpty()) {
            console.println("not logged in: no " + OwnerSession.file());
            return 0;
        }
        String revoked;
        try (KernelApi api = KernelApi.open(session.get().baseUrl(), session.get().token())) {
            api.post("/auth/logout", null);
            revoked = "revoked the session at " + session.get().baseUrl();
        } catch (HebingApiError e) {
            revoked = e.status() == 401 ? "the server no longer knew the session" : "the server refused to revoke it (" + e.code() + ")";
        } catch (UncheckedIOException e) {
            // Signing out must work offline too; the token expires by itself within 24 hours.
            revoked = "could not reach " + session.get().baseUrl() + " to revoke it (it expires at " + session.get().expiresAt() + ")";
        }
        OwnerSession.delete();
        console.println("signed out " + session.get().email() + ": " + revoked + "; deleted " + OwnerSession.file());
        return 0;
    }
}
