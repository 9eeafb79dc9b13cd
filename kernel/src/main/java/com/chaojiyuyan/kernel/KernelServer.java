package com.chaojiyuyan.kernel;

import com.chaojiyuyan.kernel.artifacts.ArtifactRoutes;
import com.chaojiyuyan.kernel.artifacts.ArtifactStore;
import com.chaojiyuyan.kernel.artifacts.Artifacts;
import com.chaojiyuyan.kernel.artifacts.FileBlobStore;
import com.chaojiyuyan.kernel.auth.AccountRoutes;
import com.chaojiyuyan.kernel.auth.AccountStore;
import com.chaojiyuyan.kernel.auth.AdminBootstrap;
import com.chaojiyuyan.kernel.auth.Authenticator;
import com.chaojiyuyan.kernel.auth.LoginThrottle;
import com.chaojiyuyan.kernel.catalog.CatalogRoutes;
import com.chaojiyuyan.kernel.catalog.CatalogStore;
import com.chaojiyuyan.kernel.catalog.DefaultCatalog;
import com.chaojiyuyan.kernel.catalog.SchemaValidator;
import com.chaojiyuyan.kernel.deviceflow.ActivatePage;
import com.chaojiyuyan.kernel.deviceflow.DeviceFlow;
import com.chaojiyuyan.kernel.deviceflow.DeviceFlowRoutes;
import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.http.Problems;
import com.chaojiyuyan.kernel.http.ProtocolErrors;
import com.chaojiyuyan.kernel.http.RateLimiter;
import com.chaojiyuyan.kernel.jobs.JobRoutes;
import com.chaojiyuyan.kernel.jobs.JobStore;
import com.chaojiyuyan.kernel.jobs.JobTransitions;
import com.chaojiyuyan.kernel.jobs.JobViews;
import com.chaojiyuyan.kernel.jobs.Jobs;
import com.chaojiyuyan.kernel.jobs.SettlementHooks;
import com.chaojiyuyan.kernel.ledger.Ledger;
import com.chaojiyuyan.kernel.ledger.LedgerRoutes;
import com.chaojiyuyan.kernel.ops.KernelMetrics;
import com.chaojiyuyan.kernel.ops.OperationsRoutes;
import com.chaojiyuyan.kernel.signals.Signals;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.storage.Ids;
import com.chaojiyuyan.kernel.webhooks.WebhookFeature;
import com.chaojiyuyan.kernel.workers.AvailableJobs;
import com.chaojiyuyan.kernel.workers.LeaseSweeper;
import com.chaojiyuyan.kernel.workers.Leases;
import com.chaojiyuyan.kernel.workers.WorkerRegistry;
import com.chaojiyuyan.kernel.workers.WorkerRoutes;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kernel node: the database, every feature, and the HTTP server, wired by hand in the order they
 * depend on each other. Tests start it in-process on port 0; {@code chaojiyuyan serve} starts it for real.
 */
public final class KernelServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelServer.class);
    /** SQLite files locked by servers of this process (see {@link #lockSqliteFile}). */
    private static final Set<Path> LOCKED_HERE = ConcurrentHashMap.newKeySet();

    /** A route as registered, for the OpenAPI completeness check. */
    public record Route(String method, String path) {
    }

    private final ServerConfig config;
    private final Database db;
    private final DataLock dataLock;
    private final Signals signals;
    private final LeaseSweeper sweeper;
    private final WebhookFeature webhooks;
    private final Javalin app;
    private final AdminBootstrap.Outcome bootstrap;
    private final List<Route> routes;
    private volatile String publicUrl;

    private KernelServer(ServerConfig config, Clock clock, SettlementHooks settlement) {
        this.config = config;
        createPrivateDirectory(config.dataDir());
        this.dataLock = config.isSqlite() ? lockSqliteFile(config.dbUrl()) : null;
        try {
            this.db = Database.open(config.dbUrl(), config.dbPoolSize());
            AccountStore accounts = new AccountStore(db);
            this.bootstrap = new AdminBootstrap(accounts, clock).ensureAdmin(config.adminEmail(), config.adminPassword());
            CatalogStore catalog = new CatalogStore(db);
            DefaultCatalog.install(catalog, clock.millis());
            SchemaValidator schemas = new SchemaValidator();
            this.signals = Signals.forDatabase(db, config.dbUrl());
            JobStore jobStore = new JobStore(db.dialect());
            KernelMetrics metrics = new KernelMetrics(db, jobStore, signals.workWaiters());
            Artifacts artifacts = new Artifacts(db, new ArtifactStore(), new FileBlobStore(config.blobDir()), this::publicUrl);
            JobViews views = new JobViews(this::publicUrl, artifacts);
            // A webhook's payload is the settling job as its caller sees it, read through the settling
            // transaction, so it includes the artifacts that transaction wrote.
            this.webhooks = new WebhookFeature(db, config, (tx, job) -> views.caller(job, artifacts.of(tx, job)), clock);
            // In the transaction that settles a job: credits first (a hold the ledger refuses rolls the job
            // back before any other feature reacts to it), then any given hooks, then the webhook outbox.
            Ledger ledger = new Ledger(db, config.platformFeePercent(), clock);
            JobTransitions transitions = new JobTransitions(jobStore, signals,
                    SettlementHooks.all(List.of(ledger, settlement, webhooks.outbox())), metrics);
            Jobs jobs = new Jobs(db, jobStore, transitions, catalog, schemas, signals.jobWatchers(), clock);
            WorkerRegistry registry = new WorkerRegistry(db);
            Leases leases = new Leases(db, jobStore, transitions, catalog, schemas, registry, artifacts, clock);
            AvailableJobs available = new AvailableJobs(db, jobStore, signals.workWaiters(), registry, clock);
            this.sweeper = new LeaseSweeper(db, jobStore, transitions, metrics, clock);

            Authenticator authenticator = new Authenticator(accounts, clock);
            LoginThrottle throttle = new LoginThrottle(10, Duration.ofMinutes(15).toMillis(), clock);
            DeviceFlow deviceFlow = new DeviceFlow(db, clock, config.deviceCodeTtlSeconds(), config.devicePollIntervalSeconds());
            boolean httpsPublicUrl = config.publicUrl() != null && config.publicUrl().startsWith("https://");
            long maxBody = config.maxBodyBytes();
            RateLimiter rateLimiter = new RateLimiter(config.rateLimitPerSecond(), 2.0 * config.rateLimitPerSecond());
            List<Route> registered = Collections.synchronizedList(new ArrayList<>());
            this.app = Javalin.create(cfg -> {
                configureServer(cfg, registered);
                Api api = new Api(cfg.routes, authenticator, rateLimiter);
                new AccountRoutes(accounts, throttle, clock, maxBody).register(api);
                new CatalogRoutes(catalog, schemas, clock, maxBody).register(api);
                // Before the caller routes: /kernel-jobs/available must not match /kernel-jobs/{job_id}.
                new WorkerRoutes(registry, available, leases, views, clock, maxBody, config.maxSubmitBytes(),
                        config.maxArtifactBytes()).register(api);
                new JobRoutes(jobs, views, maxBody, webhooks.guard()::checkCallback).register(api);
                new LedgerRoutes(ledger, maxBody).register(api);
                new ArtifactRoutes(artifacts, jobs).register(api);
                webhooks.register(api, jobs, maxBody);
                new DeviceFlowRoutes(deviceFlow, this::publicUrl, config.publicUrl() != null, maxBody).register(api, cfg.routes);
                new ActivatePage(deviceFlow, accounts, throttle, clock, httpsPublicUrl, maxBody).register(cfg.routes);
                new OperationsRoutes(db, metrics, this::publicUrl).register(cfg.routes);
            });
            this.routes = registered;
            app.start(config.host(), config.port());
            this.publicUrl = config.publicUrl() != null ? config.publicUrl()
                    : "http://" + (config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host())
                    + ":" + app.port();
            sweeper.start(config.sweepIntervalMillis());
            webhooks.start(transitions, config.sweepIntervalMillis());
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Starts a node: credits on, no further settlement hooks. */
    public static KernelServer start(ServerConfig config) {
        return start(config, Clock.systemUTC(), SettlementHooks.NONE);
    }

    /** Starts a node whose jobs run {@code settlement} too, after the credits ledger's own hooks. */
    public static KernelServer start(ServerConfig config, Clock clock, SettlementHooks settlement) {
        return new KernelServer(config, clock, settlement);
    }

    private void configureServer(JavalinConfig cfg, List<Route> registered) {
        cfg.concurrency.useVirtualThreads = true;
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.jsonMapper(new JavalinJackson3(Json.MAPPER, true));
        cfg.http.prefer405over404 = true;
        cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProtocolErrors()));
        // Each route enforces its own limit as it reads (JsonBody); this one only bounds Javalin's own readers.
        cfg.http.maxRequestSize = Math.max(config.maxBodyBytes(), config.maxSubmitBytes());
        // Jetty reuses header fields parsed earlier on a connection, matching values case-insensitively
        // by default: a bearer token differing only in case from an earlier one would pass as that one.
        cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
        cfg.router.ignoreTrailingSlashes = true;
        cfg.events.handlerAdded(info -> {
            if (info.getHttpMethod().isHttpMethod()) {
                registered.add(new Route(info.getHttpMethod().name(), info.getPath()));
            }
        });
        cfg.routes.before(ctx -> {
            String requestId = Ids.newId("req", System.currentTimeMillis());
            ctx.attribute(Problems.REQUEST_ID, requestId);
            ctx.header("X-Request-Id", requestId);
            // NUL cannot reach PostgreSQL as a parameter: no id or key contains one, so answer it here.
            if (hasNul(ctx.req().getRequestURI())) {
                throw ApiException.notFound("resource");
            }
            if (hasNul(ctx.queryString())) {
                throw ApiException.badRequest("invalid_parameter", "query parameters must not contain NUL characters");
            }
        });
        cfg.routes.exception(ApiException.class, (e, ctx) -> Problems.render(ctx, e));
        cfg.routes.exception(HttpResponseException.class, (e, ctx) ->
                Problems.render(ctx, new ApiException(e.getStatus(), Problems.codeFor(e.getStatus()), responseDetail(e))));
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            if (Database.isConnectionFailure(e)) {
                // Not a bug of the request's: the database is restarting or unreachable. Clients retry.
                log.warn("request {} {} ({}): database unreachable: {}", ctx.method(), ctx.path(),
                        ctx.attribute(Problems.REQUEST_ID), rootMessage(e));
                Problems.render(ctx, new ApiException(503, "database_unreachable",
                        "the database is not reachable right now; retry shortly", Map.of(), Map.of("Retry-After", "1")));
                return;
            }
            log.error("request {} {} failed ({})", ctx.method(), ctx.path(), ctx.attribute(Problems.REQUEST_ID), e);
            Problems.render(ctx, new ApiException(500, "internal",
                    "internal error; quote request id " + ctx.attribute(Problems.REQUEST_ID) + " when reporting it"));
        });
        for (int status : new int[] {404, 405}) {
            cfg.routes.error(status, ctx -> renderIfEmpty(ctx, status));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static boolean hasNul(String s) {
        return s != null && (s.indexOf('\u0000') >= 0 || s.toLowerCase(java.util.Locale.ROOT).contains("%00"));
    }

    private static String responseDetail(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 413 -> "request body too large";
            default -> e.getMessage();
        };
    }

    /** Javalin's own 404/405 (no matching route) get a problem body; ours already have one (or are pages: /activate). */
    private static void renderIfEmpty(Context ctx, int status) {
        String type = ctx.res().getContentType();
        if (type != null && (type.startsWith(Problems.CONTENT_TYPE) || type.startsWith("text/html"))) {
            return;
        }
        String detail = status == 404 ? "no route " + ctx.method().name() + " " + ctx.path()
                : "method " + ctx.method().name() + " is not allowed on " + ctx.path();
        Problems.render(ctx, new ApiException(status, Problems.codeFor(status), detail));
    }

    /**
     * Creates the data directory, if missing, readable by this user only: it holds the database (password
     * and key hashes, sealed webhook secrets), the key that seals them and the artifacts. An existing
     * directory is left as its owner set it.
     */
    static void createPrivateDirectory(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a second server on the same SQLite file: its wake-ups would not reach this one's workers.
     * A file this process already locked is refused before opening it again: on POSIX systems, closing
     * any channel of a file (explicitly, or by its cleaner once unreachable) drops the whole process's
     * lock on it, and another process could then start on the database beside the running server.
     */
    private static DataLock lockSqliteFile(String dbUrl) {
        String file = dbUrl.substring("jdbc:sqlite:".length()).split("\\?", 2)[0];
        if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file::memory:")) {
            return null;
        }
        Path given = Path.of(file).toAbsolutePath();
        Path db;
        try {
            Files.createDirectories(given.getParent());
            db = given.getParent().toRealPath().resolve(given.getFileName());
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the data directory " + given.getParent() + ": " + e.getMessage(), e);
        }
        if (!LOCKED_HERE.add(db)) {
            throw inUse(db);
        }
        try {
            Path lockFile = db.resolveSibling(db.getFileName() + ".lock");
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw inUse(db);
            }
            return new DataLock(db, lock);
        } catch (IOException e) {
            LOCKED_HERE.remove(db);
            throw new IllegalStateException("cannot use the data directory " + db.getParent() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            LOCKED_HERE.remove(db);
            throw e;
        }
    }

    private static IllegalStateException inUse(Path db) {
        return new IllegalStateException("another chaojiyuyan server is using " + db
                + "; stop it, or give this one another CHAOJIYUYAN_DATA_DIR (several nodes need PostgreSQL)");
    }

    /** The lock on an SQLite database this server holds while it runs. */
    private record DataLock(Path db, FileLock lock) {
        void release() {
            try {
                lock.release();
                lock.channel().close();
            } catch (IOException ignored) {
                // released with the process anyway
            } finally {
                LOCKED_HERE.remove(db);
            }
        }
    }

    public int port() {
        return app.port();
    }

    /** The URL this server is reached at, e.g. {@code http://127.0.0.1:8080}. */
    public String publicUrl() {
        return publicUrl;
    }

    public String apiUrl() {
        return publicUrl + Api.PREFIX;
    }

    public ServerConfig config() {
        return config;
    }

    public Database database() {
        return db;
    }

    public AdminBootstrap.Outcome bootstrap() {
        return bootstrap;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (app != null) {
            app.stop();
        }
        if (sweeper != null) {
            sweeper.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        if (signals != null) {
            signals.close();
        }
        if (db != null) {
            db.close();
        }
        if (dataLock != null) {
            dataLock.release();
        }
    }
}
