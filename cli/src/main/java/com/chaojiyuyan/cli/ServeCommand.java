package com.chaojiyuyan.cli;

import com.chaojiyuyan.kernel.KernelServer;
import com.chaojiyuyan.kernel.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        description = {"Run the kernel server.", "",
                "Settings come from these flags or the environment:",
                "  CHAOJIYUYAN_HOST (127.0.0.1)       CHAOJIYUYAN_PORT (8080)",
                "  CHAOJIYUYAN_DATA_DIR (~/.chaojiyuyan/server)",
                "  CHAOJIYUYAN_DB_URL (the SQLite file in the data dir; jdbc:postgresql://... for PostgreSQL)",
                "  CHAOJIYUYAN_DB_POOL_SIZE (10)      CHAOJIYUYAN_PUBLIC_URL (http://host:port)",
                "  CHAOJIYUYAN_ADMIN_EMAIL (admin@localhost), CHAOJIYUYAN_ADMIN_PASSWORD (generated, shown once)",
                "  CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE (false)  CHAOJIYUYAN_MAX_BODY_BYTES (1048576)",
                "  CHAOJIYUYAN_SWEEP_INTERVAL_MS (1000)  CHAOJIYUYAN_RATE_LIMIT_PER_SECOND (100 per key; 0 = off)",
                "  CHAOJIYUYAN_PLATFORM_FEE_PERCENT (0; the platform's share of each paid job's price)",
                "  CHAOJIYUYAN_BLOB_DIR (<data dir>/blobs; shared by every node of one PostgreSQL database)",
                "  CHAOJIYUYAN_MAX_ARTIFACT_BYTES (10485760)  CHAOJIYUYAN_MAX_SUBMIT_BYTES (33554432)",
                "  CHAOJIYUYAN_DEVICE_CODE_TTL_SECONDS (900)  CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS (5)",
                "  CHAOJIYUYAN_WEBHOOK_RETRY_BASE_SECONDS (5)",
                "  CHAOJIYUYAN_SECRET_KEY (seals webhook secrets; default: webhook.key in the data dir)"})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", description = "Interface to bind (overrides CHAOJIYUYAN_HOST).")
    String host;

    @Option(names = {"-p", "--port"}, description = "Port to listen on (overrides CHAOJIYUYAN_PORT).")
    Integer port;

    @Option(names = "--data-dir", description = "Data directory (overrides CHAOJIYUYAN_DATA_DIR).")
    Path dataDir;

    @Option(names = "--db-url", description = "Database URL (overrides CHAOJIYUYAN_DB_URL).")
    String dbUrl;

    @Option(names = "--public-url", description = "Public URL of this server (overrides CHAOJIYUYAN_PUBLIC_URL).")
    String publicUrl;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        put(env, "CHAOJIYUYAN_HOST", host);
        put(env, "CHAOJIYUYAN_PORT", port == null ? null : port.toString());
        put(env, "CHAOJIYUYAN_DATA_DIR", dataDir == null ? null : dataDir.toString());
        put(env, "CHAOJIYUYAN_DB_URL", dbUrl);
        put(env, "CHAOJIYUYAN_PUBLIC_URL", publicUrl);
        ServerConfig config = ServerConfig.fromEnvironment(env);

        KernelServer server = KernelServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        banner(server, spec.commandLine().getOut());
        stopped.await();
        return 0;
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    private static void banner(KernelServer server, PrintWriter out) {
        out.println("chaojiyuyan " + Version.current() + " listening on " + server.publicUrl()
                + "  (API " + server.apiUrl() + ")");
        out.println("database: " + server.database().describe());
        var admin = server.bootstrap();
        if (admin.created()) {
            out.println("first admin: " + admin.email());
            admin.generatedPassword().ifPresent(pw -> {
                out.println("  password: " + pw);
                out.println("  (shown this once; set CHAOJIYUYAN_ADMIN_PASSWORD before the first start to choose it)");
            });
        }
        out.println("sign in:  curl -s " + server.apiUrl() + "/auth/login -H 'content-type: application/json' \\");
        out.println("            -d '{\"email\":\"" + (admin.created() ? admin.email() : "<admin email>")
                + "\",\"password\":\"<password>\"}'");
        out.println("stop with Ctrl-C");
        out.flush();
    }
}
