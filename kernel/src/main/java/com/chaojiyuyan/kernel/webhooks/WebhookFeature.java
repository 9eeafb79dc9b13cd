package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.ServerConfig;
import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.jobs.JobTransitions;
import com.chaojiyuyan.kernel.jobs.Jobs;
import com.chaojiyuyan.kernel.jobs.SettlementHooks;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.jobs.Job;
import java.time.Clock;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed webhooks, wired: the outbox joins the settlement transaction (so it exists before the job state
 * machine), the dispatcher needs that state machine for its job events (so it starts after it).
 */
public final class WebhookFeature implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookFeature.class);
    private final Database db;
    private final WebhookStore store;
    private final Webhooks webhooks;
    private final TargetGuard guard;
    private final WebhookOutbox outbox;
    private final Clock clock;
    private final int retryBaseSeconds;
    private volatile WebhookDispatcher dispatcher;

    /**
     * {@code jobView} renders a settling job as its caller sees it, through the settling transaction's
     * handle, so the payload includes what that transaction wrote (the artifacts of a submit).
     */
    public WebhookFeature(Database db, ServerConfig config, BiFunction<Handle, Job, ObjectNode> jobView, Clock clock) {
        this.db = db;
        this.store = new WebhookStore(db.dialect());
        this.guard = new TargetGuard(config.webhookAllowPrivate());
        if (config.secretKey() == null && !config.isSqlite()) {
            log.info("CHAOJIYUYAN_SECRET_KEY is not set: webhook secrets are sealed with {}; every node of this database"
                    + " must use the same key", config.dataDir().resolve(SecretBox.KEY_FILE));
        }
        this.webhooks = new Webhooks(db, store, SecretBox.load(config.secretKey(), config.dataDir()), guard, clock);
        this.clock = clock;
        this.retryBaseSeconds = config.webhookRetryBaseSeconds();
        this.outbox = new WebhookOutbox(store, jobView, clock, this::wake);
    }

    /** Writes the deliveries of a settling job, in its transaction. */
    public SettlementHooks outbox() {
        return outbox;
    }

    public TargetGuard guard() {
        return guard;
    }

    /** Starts this node's delivery loop. */
    public void start(JobTransitions transitions, long intervalMillis) {
        WebhookDispatcher d = new WebhookDispatcher(db, store, webhooks, guard, transitions, clock, retryBaseSeconds);
        d.start(intervalMillis);
        this.dispatcher = d;
    }

    public void register(Api api, Jobs jobs, long maxBodyBytes) {
        new WebhookRoutes(webhooks, store, db, jobs, maxBodyBytes).register(api);
    }

    private void wake() {
        WebhookDispatcher d = dispatcher;
        if (d != null) {
            d.wake();
        }
    }

    @Override
    public void close() {
        WebhookDispatcher d = dispatcher;
        if (d != null) {
            d.close();
        }
    }
}
